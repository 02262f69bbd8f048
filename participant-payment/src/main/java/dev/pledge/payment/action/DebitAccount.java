package dev.pledge.payment.action;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import dev.pledge.participant.action.BusinessAction;
import dev.pledge.participant.action.SagaVerbs;
import dev.pledge.payment.api.AccountResource;

/** Debits an amount from an account (NO for an unknown account or insufficient funds); refunds it. */
@ApplicationScoped
public class DebitAccount implements BusinessAction<DebitAccount.Operation> {

    public record Operation(
            @NotNull @Pattern(regexp = AccountResource.ACCOUNT_ID, message = AccountResource.ACCOUNT_ID_MESSAGE) String account,
            @NotNull @DecimalMin(value = "0.01", message = "must be at least 0.01")
            @DecimalMax(value = "1000000000", message = "must be at most 1000000000")
            @Digits(integer = 10, fraction = 2, message = "must have at most 2 decimal places") BigDecimal amount) {
    }

    @Override
    public Class<Operation> operationType() {
        return Operation.class;
    }

    @Override
    public Optional<String> apply(Connection tx, Operation op) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(
                "UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ? RETURNING balance")) {
            ps.setBigDecimal(1, op.amount());
            ps.setString(2, op.account());
            ps.setBigDecimal(3, op.amount());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Optional.empty();
                }
            }
        }
        try (PreparedStatement ps = tx.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
            ps.setString(1, op.account());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.of("unknown account " + op.account());
                }
                return Optional.of("insufficient funds in " + op.account() + ": balance "
                        + rs.getBigDecimal(1).toPlainString() + ", " + op.amount().toPlainString() + " requested");
            }
        }
    }

    @Override
    public void compensate(Connection tx, Operation op) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
            ps.setBigDecimal(1, op.amount());
            ps.setString(2, op.account());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("cannot refund unknown account " + op.account());
            }
        }
    }

    @Override
    public SagaVerbs sagaVerbs() {
        return SagaVerbs.of("charge", "refund");
    }
}
