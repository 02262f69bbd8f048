package dev.pledge.saga.store;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A saga instance. */
@Entity
@Table(name = "sagas")
public class Saga extends PanacheEntityBase {
    @Id
    public UUID id;
    public String kind;
    public String state;
    @JdbcTypeCode(SqlTypes.JSON)
    public String payload;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
