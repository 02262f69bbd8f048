package dev.pledge.payment.choreography;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.participant.choreography.ChoreographyRules;
import dev.pledge.participant.saga.SagaCommand.Kind;

/**
 * Payment in a choreographed order saga: charges once the stock is reserved, and refunds when the stock is
 * released or the reservation could not be confirmed (a refund of a charge that never happened is a no-op
 * that also turns a late charge into one).
 */
@ApplicationScoped
public class PaymentChoreography implements ChoreographyRules {

    @Inject
    ObjectMapper json;

    @Override
    public List<Reaction> reactions() {
        return List.of(
                new Reaction("StockReserved", "charge-payment", Kind.ACTION, "charge", "PaymentCharged", "PaymentDeclined"),
                new Reaction("StockReleased", "charge-payment", Kind.COMPENSATION, "refund", "PaymentRefunded", "PaymentRefunded"),
                new Reaction("ConfirmRefused", "charge-payment", Kind.COMPENSATION, "refund", "PaymentRefunded", "PaymentRefunded"));
    }

    @Override
    public Optional<Deadline> deadline() {
        return Optional.empty();
    }

    @Override
    public JsonNode operation(JsonNode order) {
        return json.createObjectNode().put("account", order.path("account").asText())
                .put("amount", order.path("amount").asText());
    }
}
