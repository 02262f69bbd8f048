package dev.pledge.inventory.action;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import dev.pledge.inventory.api.ProductResource;
import dev.pledge.participant.action.BusinessAction;
import dev.pledge.participant.action.SagaVerbs;

/**
 * Takes qty units of a product out of stock (NO for an unknown product or too little stock); puts them back.
 * In a saga the units taken are a reservation, confirmed by the saga's last step or released by its
 * compensation.
 */
@ApplicationScoped
public class ReserveStock implements BusinessAction<ReserveStock.Operation> {

    public record Operation(
            @NotNull @Pattern(regexp = ProductResource.SKU, message = "must be 1-32 upper-case letters, digits or '-'") String sku,
            @NotNull @Positive @Max(10_000) Integer qty) {
    }

    @Override
    public Class<Operation> operationType() {
        return Operation.class;
    }

    @Override
    public Optional<String> apply(Connection tx, Operation op) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(
                "UPDATE products SET stock = stock - ? WHERE sku = ? AND stock >= ? RETURNING stock")) {
            ps.setInt(1, op.qty());
            ps.setString(2, op.sku());
            ps.setInt(3, op.qty());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Optional.empty();
                }
            }
        }
        try (PreparedStatement ps = tx.prepareStatement("SELECT stock FROM products WHERE sku = ?")) {
            ps.setString(1, op.sku());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.of("unknown product " + op.sku());
                }
                return Optional.of("insufficient stock for " + op.sku() + ": " + rs.getInt(1) + " left, "
                        + op.qty() + " requested");
            }
        }
    }

    @Override
    public void compensate(Connection tx, Operation op) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("UPDATE products SET stock = stock + ? WHERE sku = ?")) {
            ps.setInt(1, op.qty());
            ps.setString(2, op.sku());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("cannot release stock of unknown product " + op.sku());
            }
        }
    }

    @Override
    public SagaVerbs sagaVerbs() {
        return SagaVerbs.of("reserve", "release").withConfirmation("confirm");
    }

    @Override
    public Optional<String> applyInSaga(Connection tx, UUID saga, Operation op) throws SQLException {
        Optional<String> refused = apply(tx, op);
        if (refused.isEmpty()) {
            try (PreparedStatement ps = tx.prepareStatement(
                    "INSERT INTO reservations (saga_id, sku, qty, status) VALUES (?, ?, ?, 'RESERVED')")) {
                ps.setObject(1, saga);
                ps.setString(2, op.sku());
                ps.setInt(3, op.qty());
                ps.executeUpdate();
            }
        }
        return refused;
    }

    @Override
    public void compensateInSaga(Connection tx, UUID saga, Operation op) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("UPDATE reservations SET status = 'RELEASED', updated_at = now()"
                + " WHERE saga_id = ? AND status IN ('RESERVED', 'CONFIRMED') RETURNING sku, qty")) {
            ps.setObject(1, saga);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("saga " + saga + " has no reservation to release");
                }
                // put back what was reserved, whatever the compensation's payload says
                compensate(tx, new Operation(rs.getString(1), rs.getInt(2)));
            }
        }
    }

    @Override
    public Optional<String> confirmInSaga(Connection tx, UUID saga, Operation op) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("UPDATE reservations SET status = 'CONFIRMED', updated_at = now()"
                + " WHERE saga_id = ? AND status IN ('RESERVED', 'CONFIRMED') RETURNING status")) {
            ps.setObject(1, saga);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Optional.empty();
                }
            }
        }
        try (PreparedStatement ps = tx.prepareStatement("SELECT status FROM reservations WHERE saga_id = ?")) {
            ps.setObject(1, saga);
            try (ResultSet rs = ps.executeQuery()) {
                return Optional.of(rs.next() ? "the reservation was already " + rs.getString(1).toLowerCase()
                        : "saga " + saga + " holds no reservation");
            }
        }
    }
}
