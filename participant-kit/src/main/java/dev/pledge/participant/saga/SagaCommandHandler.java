package dev.pledge.participant.saga;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.common.tracing.Traces;
import dev.pledge.participant.action.BusinessAction;
import dev.pledge.participant.action.Operations;
import dev.pledge.participant.action.SagaVerbs.Use;
import dev.pledge.participant.saga.SagaCommand.Kind;
import dev.pledge.participant.saga.SagaReply.Outcome;
import dev.pledge.participant.store.BranchStore;
import io.agroal.api.AgroalDataSource;

/**
 * Handles saga commands exactly once in effect. In one local transaction: the inbox row for
 * (saga, step, kind), the business change, and the reply in the outbox. A repeated command finds its inbox
 * row and gets the same reply again with no second effect (a refused action, which changed nothing, is
 * decided again when a later attempt of it comes); a compensation before its action is SKIPPED and
 * leaves a row that makes the late action SKIPPED too (no hanging reservation).
 */
@ApplicationScoped
public class SagaCommandHandler {
    /** Crash point: the command's effect and reply are committed, the reply not yet published. */
    public static final String AFTER_SAGA_EFFECT = "after-saga-effect";
    private static final Logger LOG = Logger.getLogger(SagaCommandHandler.class);
    /** Attempts at a command whose SQL fails the same way each time (or races with a copy of itself). */
    static final int ATTEMPTS = 3;
    private static final long RETRY_PAUSE_MS = 200;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    BusinessAction<?> action;
    @Inject
    Operations operations;
    @Inject
    ObjectMapper json;
    @Inject
    CrashPoints crashPoints;
    @Inject
    Event<CommandHandled> handled;
    @ConfigProperty(name = "quarkus.application.name")
    String participant;
    /**
     * The topics this participant may answer on (the broker's ACLs allow it no other: docs/security.md, "Kafka").
     * A reply to any other topic could never be published and would hold up every reply after it in the outbox.
     */
    @ConfigProperty(name = "pledge.saga.reply-topics", defaultValue = "saga.replies")
    Set<String> replyTopics;

    /**
     * Handles one command. A database failure is retried, with backoff and without end, before the next
     * command of the partition is taken: a command is never dropped because the database was away. A failure
     * no retry can change is tried {@link #ATTEMPTS} times and then raised as {@link UnprocessableCommand}, which
     * the consumers send to the dead-letter topic, so the partition's next command goes on.
     */
    @Retry(maxRetries = -1, delay = 200, jitter = 100, maxDuration = 0, retryOn = SQLException.class,
            abortOn = UnprocessableCommand.class) // its cause is an SQLException: say outright it is not retried
    public SagaReply handle(SagaCommand command) throws SQLException {
        return handle(command, null);
    }

    /**
     * What a handled command sends on, written to the outbox in the command's transaction. By default the
     * reply goes to the command's reply topic; choreography turns it into an event for the other participants.
     */
    public interface Answer {
        /** The topic and JSON payload to publish for this reply. */
        Outgoing shape(SagaReply reply);

        /**
         * Runs first in the command's transaction; false drops the command with no effect and no answer
         * (e.g. a deadline that another transaction has already ended).
         */
        default boolean proceed(Connection tx) throws SQLException {
            return true;
        }

        /** Further writes that belong to the same transaction (e.g. a deadline to keep). */
        default void alsoWrite(Connection tx, SagaReply reply) throws SQLException {
        }
    }

    public record Outgoing(String topic, String payload) {
    }

    /**
     * Handles one command, sending on what {@code answer} makes of the reply (null: the plain reply).
     * Returns null when the answer's {@link Answer#proceed} declined.
     */
    @Retry(maxRetries = -1, delay = 200, jitter = 100, maxDuration = 0, retryOn = SQLException.class,
            abortOn = UnprocessableCommand.class) // its cause is an SQLException: say outright it is not retried
    public SagaReply handle(SagaCommand command, Answer answer) throws SQLException {
        if (command.sagaId() == null || command.step() == null || command.step().isBlank() || command.kind() == null
                || command.action() == null || command.replyTopic() == null || command.replyTopic().isBlank()
                || command.attempt() < 1) {
            throw ProblemException.badRequest(
                    "a saga command needs sagaId, step, kind, action, attempt >= 1 and replyTopic");
        }
        if (answer == null && !replyTopics.contains(command.replyTopic())) {
            throw ProblemException.badRequest("a saga command's replyTopic must be one of " + replyTopics
                    + " (pledge.saga.reply-topics), the topics this participant may answer on; got "
                    + command.replyTopic());
        }
        return handleTyped(action, command, answer == null ? plainReply(command) : answer);
    }

    private Answer plainReply(SagaCommand command) {
        return reply -> {
            try {
                return new Outgoing(command.replyTopic(), json.writeValueAsString(reply));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("reply is not serialisable", e);
            }
        };
    }

    private <T> SagaReply handleTyped(BusinessAction<T> typed, SagaCommand command, Answer answer) throws SQLException {
        Use use = typed.sagaVerbs().use(command.action()).orElseThrow(() -> ProblemException.badRequest(
                "unknown saga action '" + command.action() + "'; " + participant + " knows " + typed.sagaVerbs()));
        if ((use == Use.COMPENSATION) != (command.kind() == Kind.COMPENSATION)) {
            throw ProblemException.badRequest("'" + command.action() + "' cannot be sent as " + command.kind());
        }
        T op = operations.read(typed.operationType(), command.operation());
        for (int attempt = 1; ; attempt++) {
            try (Connection tx = dataSource.getConnection()) {
                tx.setAutoCommit(false);
                try {
                    lockSaga(tx, command);
                    if (!answer.proceed(tx)) {
                        tx.rollback();
                        return null;
                    }
                    SagaReply reply = decide(tx, typed, use, op, command);
                    writeOutbox(tx, command, answer.shape(reply));
                    answer.alsoWrite(tx, reply);
                    tx.commit();
                    handled.fire(new CommandHandled(command.kind(), reply.outcome()));
                    crashPoints.hit(AFTER_SAGA_EFFECT);
                    return reply;
                } catch (SQLException e) {
                    tx.rollback();
                    if (UnprocessableCommand.deterministic(e)) {
                        if (attempt >= ATTEMPTS) {
                            throw new UnprocessableCommand(attempt, e);
                        }
                        LOG.warnf("saga command %s of saga %s failed (attempt %d of %d): %s", command.action(),
                                command.sagaId(), attempt, ATTEMPTS, e.getMessage());
                        pause(RETRY_PAUSE_MS * attempt);
                        continue;
                    }
                    if (!BranchStore.UNIQUE_VIOLATION.equals(e.getSQLState()) || attempt >= ATTEMPTS) {
                        throw e;
                    }
                    // the same command handled concurrently: the next round finds its inbox row
                } catch (RuntimeException e) {
                    tx.rollback(); // never let the autocommit switch below commit half a change
                    throw e;
                } finally {
                    tx.setAutoCommit(true);
                }
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between attempts of a saga command", e);
        }
    }

    private <T> SagaReply decide(Connection tx, BusinessAction<T> typed, Use use, T op, SagaCommand c) throws SQLException {
        Optional<InboxRow> earlier = row(tx, c, c.kind());
        // a refused action changed nothing: a later attempt is decided again, a repeat gets the same answer
        boolean reconsider = earlier.isPresent() && c.kind() == Kind.ACTION
                && earlier.get().outcome() == Outcome.REFUSED && c.attempt() > earlier.get().attempt();
        if (earlier.isPresent() && !reconsider) {
            return reply(c, earlier.get());
        }
        if (c.kind() == Kind.ACTION) {
            if (row(tx, c, Kind.COMPENSATION).isPresent()) {
                return reconsider ? reply(c, earlier.get())
                        : record(tx, c, Outcome.SKIPPED, "already compensated: the action came too late");
            }
            Optional<String> refused = use == Use.CONFIRMATION
                    ? typed.confirmInSaga(tx, c.sagaId(), op) : typed.applyInSaga(tx, c.sagaId(), op);
            Outcome outcome = refused.isPresent() ? Outcome.REFUSED : Outcome.DONE;
            return reconsider ? redecide(tx, c, outcome, refused.orElse(null)) : record(tx, c, outcome, refused.orElse(null));
        }
        Optional<InboxRow> actionRow = row(tx, c, Kind.ACTION);
        if (actionRow.isEmpty() || actionRow.get().outcome() != Outcome.DONE) {
            return record(tx, c, Outcome.SKIPPED, actionRow.isEmpty()
                    ? "nothing to undo: the action never arrived" : "nothing to undo: the action did not take effect");
        }
        typed.compensateInSaga(tx, c.sagaId(), op);
        return record(tx, c, Outcome.DONE, null);
    }

    /**
     * Commands of one saga are handled one at a time here, even when two consumers overlap during a
     * rebalance: the inbox checks below then always see each other's rows.
     */
    private static void lockSaga(Connection tx, SagaCommand c) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, c.sagaId().getMostSignificantBits() ^ c.sagaId().getLeastSignificantBits());
            ps.executeQuery().close();
        }
    }

    /** What the inbox holds for (saga, step, kind): the answer given and the attempt it answered. */
    private record InboxRow(Outcome outcome, String reason, int attempt) {
    }

    private Optional<InboxRow> row(Connection tx, SagaCommand c, Kind kind) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(
                "SELECT outcome, reason, attempt FROM saga_inbox WHERE saga_id = ? AND step = ? AND kind = ?")) {
            ps.setObject(1, c.sagaId());
            ps.setString(2, c.step());
            ps.setString(3, kind.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new InboxRow(Outcome.valueOf(rs.getString(1)), rs.getString(2), rs.getInt(3)))
                        : Optional.empty();
            }
        }
    }

    private SagaReply reply(SagaCommand c, InboxRow row) {
        return new SagaReply(c.sagaId(), c.step(), c.kind(), c.action(), c.attempt(), row.outcome(), row.reason(), participant);
    }

    private SagaReply record(Connection tx, SagaCommand c, Outcome outcome, String reason) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO saga_inbox (saga_id, step, kind, outcome, reason,"
                + " operation, attempt) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)")) {
            ps.setObject(1, c.sagaId());
            ps.setString(2, c.step());
            ps.setString(3, c.kind().name());
            ps.setString(4, outcome.name());
            ps.setString(5, reason);
            ps.setString(6, c.operation().toString());
            ps.setInt(7, c.attempt());
            ps.executeUpdate();
        }
        return reply(c, new InboxRow(outcome, reason, c.attempt()));
    }

    private SagaReply redecide(Connection tx, SagaCommand c, Outcome outcome, String reason) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("UPDATE saga_inbox SET outcome = ?, reason = ?, attempt = ?,"
                + " at = now() WHERE saga_id = ? AND step = ? AND kind = ?")) {
            ps.setString(1, outcome.name());
            ps.setString(2, reason);
            ps.setInt(3, c.attempt());
            ps.setObject(4, c.sagaId());
            ps.setString(5, c.step());
            ps.setString(6, c.kind().name());
            ps.executeUpdate();
        }
        return reply(c, new InboxRow(outcome, reason, c.attempt()));
    }

    private void writeOutbox(Connection tx, SagaCommand c, Outgoing out) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(
                "INSERT INTO outbox (topic, message_key, payload, trace_parent) VALUES (?, ?, ?::jsonb, ?)")) {
            ps.setString(1, out.topic());
            ps.setString(2, c.sagaId().toString());
            ps.setString(3, out.payload());
            ps.setString(4, Traces.current());
            ps.executeUpdate();
        }
    }
}
