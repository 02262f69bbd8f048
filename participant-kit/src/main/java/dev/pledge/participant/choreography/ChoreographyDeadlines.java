package dev.pledge.participant.choreography;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.tracing.Traces;
import dev.pledge.participant.choreography.ChoreographyRules.Deadline;
import dev.pledge.participant.saga.OutboxRelay;
import io.agroal.api.AgroalDataSource;
import io.opentelemetry.context.Scope;
import io.quarkus.scheduler.Scheduled;

/**
 * With no orchestrator to time a saga out, a participant keeps its own deadline: when the event it waits for
 * has not come in time, it runs the deadline's reaction itself (inventory releases a reservation nobody paid
 * for). The reaction claims the deadline in its own transaction, so it runs only if no awaited event ended
 * the deadline first; it goes through the inbox, so a late payment then finds the reservation released.
 */
@ApplicationScoped
public class ChoreographyDeadlines {
    private static final Logger LOG = Logger.getLogger(ChoreographyDeadlines.class);

    @Inject
    AgroalDataSource db;
    @Inject
    ChoreographyRules rules;
    @Inject
    ChoreographyReactor reactor;
    @Inject
    OutboxRelay relay;
    @Inject
    ObjectMapper json;

    private record Due(UUID saga, String after, String order, String traceparent) {
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            if (fireDueOnce() > 0) {
                relay.kick();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("choreography deadlines: %s; the next sweep tries again", e.getMessage());
        }
    }

    /** Runs the reaction of every deadline now past; returns how many. */
    public int fireDueOnce() throws SQLException {
        Optional<Deadline> deadline = rules.deadline();
        if (deadline.isEmpty()) {
            return 0;
        }
        List<Due> due = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT saga_id, after_event, order_json::text, trace_parent FROM choreography_deadlines"
                        + " WHERE due_at <= now() LIMIT 100");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                due.add(new Due(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        for (Due d : due) {
            Deadline rule = deadline.get();
            LOG.infof("saga %s: no %s within %d ms after %s; running %s", d.saga(), rule.until(),
                    rule.within().toMillis(), d.after(), rule.then().verb());
            try (Scope ignored = Traces.context(d.traceparent()).makeCurrent()) {
                reactor.react(d.saga(), read(d.order()), rule.then(),
                        "no " + String.join(" or ", rule.until()) + " within " + rule.within().toMillis() + " ms",
                        ChoreographyReactor.DeadlineUse.CLAIM);
            }
        }
        return due.size();
    }

    private JsonNode read(String order) throws SQLException {
        try {
            return json.readTree(order);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable order in a choreography deadline", e);
        }
    }
}
