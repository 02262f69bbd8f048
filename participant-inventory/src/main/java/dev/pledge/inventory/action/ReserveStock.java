package dev.pledge.inventory.action;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import dev.pledge.inventory.api.ProductResource;
import dev.pledge.participant.action.BusinessAction;

/** Takes qty units of a product out of stock (NO for an unknown product or too little stock); puts them back. */
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
}
