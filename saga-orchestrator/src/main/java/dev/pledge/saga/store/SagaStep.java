package dev.pledge.saga.store;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One entry of a saga's step log. */
@Entity
@Table(name = "saga_steps")
public class SagaStep extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "saga_id")
    public UUID sagaId;
    public String step;
    public String kind;
    public Instant at;
    public String detail;
}
