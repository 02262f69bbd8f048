package dev.pledge.participant.recovery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.identity.ServiceIdentity;
import dev.pledge.common.problem.Problem;
import dev.pledge.identity.Caller;
import dev.pledge.participant.BranchService;
import dev.pledge.participant.store.BranchLocks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;

/**
 * Presumed abort, the participant's half. The coordinator logs a transaction's begin without waiting for
 * the disk (its one forced write is the decision), so a crash of the coordinator's database can lose a
 * transaction whose branches are already prepared here. Nobody would ever decide those. So a branch
 * prepared for longer than {@code pledge.participant.inquiry.after} asks its coordinator
 * ({@code GET /transactions/{id}}), and aborts when the answer is that the coordinator has no record of it
 * (404 with the problem type {@link Problem#UNKNOWN_TRANSACTION}). Any other answer, or none, changes
 * nothing: the coordinator decides, and while it is away a 2PC branch waits, as 2PC does.
 *
 * <p>2PC branches ask the coordinator in {@code pledge.participant.coordinator-url} (none set: they never
 * ask); 3PC branches ask the coordinator recorded with them. A pre-committed branch never asks: a pre-commit
 * follows a forced decision. Only branches named as the coordinator names them ({@code <uuid>.<participant>})
 * ask; other prepared transactions in the database are not Pledge's.
 */
@ApplicationScoped
public class OrphanInquiry {
    private static final Logger LOG = Logger.getLogger(OrphanInquiry.class);
    private static final Pattern COORDINATOR_GID = Pattern.compile(
            "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.[A-Za-z0-9_-]+");
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

    @Inject
    AgroalDataSource dataSource;
    @Inject
    BranchService branches;
    @Inject
    BranchLocks locks;
    @Inject
    ObjectMapper json;
    @Inject
    ServiceIdentity identity;
    @ConfigProperty(name = "pledge.participant.coordinator-url")
    Optional<String> coordinatorUrl;
    @ConfigProperty(name = "pledge.participant.inquiry.after", defaultValue = "30s")
    Duration after;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ASK_TIMEOUT).build();

    /** A prepared branch old enough to ask about, and the coordinator to ask. */
    record Held(String gid, UUID txId, String coordinatorUrl) {
    }

    @Scheduled(every = "${pledge.participant.inquiry.interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        try {
            scanOnce(after);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(e, "inquiry about old prepared branches failed; the next check tries again");
        }
    }

    /**
     * One pass over the branches prepared for at least {@code minAge}. The age only spares the coordinator
     * questions about branches it is deciding right now: its answer is final at any age, since it logs a
     * transaction before asking anyone to prepare.
     *
     * @return how many branches were aborted because their coordinator has no record of them
     */
    public int scanOnce(Duration minAge) throws SQLException {
        int aborted = 0;
        for (Held h : held(minAge)) {
            if (unknownTo(h)) {
                String why = "presumed abort: coordinator " + h.coordinatorUrl() + " has no record of transaction "
                        + h.txId();
                LOG.warnf("%s: %s", h.gid(), why);
                locks.with(h.gid(), () -> branches.abort(h.gid(), why));
                aborted++;
            }
        }
        return aborted;
    }

    private List<Held> held(Duration minAge) throws SQLException {
        List<Held> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT p.gid, b.coordinator_url FROM pg_prepared_xacts p LEFT JOIN branch_3pc b ON b.gid = p.gid"
                        + " WHERE p.database = current_database() AND p.prepared < now() - ? * interval '1 millisecond'"
                        + " AND b.precommitted_at IS NULL ORDER BY p.prepared")) {
            ps.setLong(1, minAge.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Matcher m = COORDINATOR_GID.matcher(rs.getString(1));
                    String url = Optional.ofNullable(rs.getString(2)).or(() -> coordinatorUrl).orElse(null);
                    if (m.matches() && url != null) {
                        out.add(new Held(rs.getString(1), UUID.fromString(m.group(1)), url));
                    }
                }
            }
        }
        return out;
    }

    /** True only when the coordinator answered that it has no record of the transaction. */
    private boolean unknownTo(Held h) {
        HttpRequest.Builder ask = HttpRequest.newBuilder(URI.create(h.coordinatorUrl().replaceAll("/+$", "")
                + "/transactions/" + h.txId())).timeout(ASK_TIMEOUT).GET();
        identity.bearer(Caller.FOR_COORDINATOR).ifPresent(a -> ask.header("Authorization", a));
        HttpRequest request = ask.build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 404) {
                return false;
            }
            JsonNode problem = json.readTree(response.body());
            return Problem.UNKNOWN_TRANSACTION.equals(problem.path("type").asText());
        } catch (IOException e) {
            LOG.debugf("%s: coordinator %s did not answer (%s); the branch waits", h.gid(), h.coordinatorUrl(), e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
