package dev.pledge.coordinator.log;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An outcome an operator forced on a stuck transaction. */
@Entity
@Table(name = "forced_outcomes")
public class ForcedOutcome extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "tx_id")
    public UUID txId;
    public String outcome;
    @Column(name = "forced_by")
    public String forcedBy;
    /** The caller whose key signed the request (its token's subject), whatever {@link #forcedBy} says. */
    @Column(name = "authenticated_as")
    public String authenticatedAs;
    public String reason;
    public Instant at;
}
