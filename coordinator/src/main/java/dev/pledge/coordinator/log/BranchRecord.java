package dev.pledge.coordinator.log;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One participant's branch of a global transaction, as the coordinator last knew it. */
@Entity
@Table(name = "branches")
public class BranchRecord extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "tx_id")
    public UUID txId;
    public int position;
    public String participant;
    public String url;
    public String gid;
    @JdbcTypeCode(SqlTypes.JSON)
    public String operation;
    public String vote;
    public String state;
    public String reason;
}
