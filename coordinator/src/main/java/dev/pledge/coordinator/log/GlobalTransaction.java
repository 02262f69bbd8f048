package dev.pledge.coordinator.log;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.pledge.coordinator.protocol.TxState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

@Entity
@Table(name = "transactions")
public class GlobalTransaction extends PanacheEntityBase {
    @Id
    public UUID id;
    public String protocol;
    @Enumerated(EnumType.STRING)
    public TxState state;
    public String decision;
    public String reason;
    @Column(name = "timeout_ms")
    public long timeoutMs;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "request_hash")
    public String requestHash;
    /** The W3C traceparent of the request that began it, or null. */
    @Column(name = "trace_parent")
    public String traceparent;
    /** The replica that drives it (its node id), or null for a transaction begun before replicas existed. */
    public String owner;
    /** 1 at its begin, one more at each change of owner: the fencing token of its participant calls. */
    public long epoch;
    /** 1 for an order's first attempt; an order retried after lock conflicts has more, each a transaction. */
    public int attempt;
    /** The order's first attempt, for a later attempt; null for the first itself. */
    @Column(name = "first_attempt")
    public UUID firstAttempt;
    @Column(name = "previous_attempt")
    public UUID previousAttempt;
}
