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

/** One entry of a transaction's timeline: a log write, or a protocol message sent or received. */
@Entity
@Table(name = "tx_events")
public class TxEvent extends PanacheEntityBase {
    public enum Kind {
        LOG, SEND, RECEIVE, ERROR
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "tx_id")
    public UUID txId;
    public Instant at;
    public String kind;
    public String participant;
    public String message;
    @Column(name = "duration_ms")
    public Long durationMs;
}
