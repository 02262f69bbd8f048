package dev.pledge.payment.store;

import java.math.BigDecimal;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An account and its balance. The balance changes only through prepared branches. */
@Entity
@Table(name = "accounts")
public class Account extends PanacheEntityBase {
    @Id
    public String id;
    public String owner;
    public BigDecimal balance;
}
