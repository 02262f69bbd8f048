package dev.pledge.inventory.choreography;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.participant.choreography.ChoreographyRules;
import dev.pledge.participant.saga.SagaCommand.Kind;

/**
 * Inventory in a choreographed order saga: reserves stock when an order is placed, confirms the reservation
 * when the payment is charged, releases it when the payment is declined, and releases it by itself when no
 * payment answer came within the payment deadline.
 */
@ApplicationScoped
public class InventoryChoreography implements ChoreographyRules {
    private static final Reaction RELEASE =
            new Reaction("PaymentDeclined", "reserve-stock", Kind.COMPENSATION, "release", "StockReleased", "StockReleased");

    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "pledge.inventory.payment-deadline", defaultValue = "10s")
    Duration paymentDeadline;

    @Override
    public List<Reaction> reactions() {
        return List.of(
                new Reaction("OrderPlaced", "reserve-stock", Kind.ACTION, "reserve", "StockReserved", "StockRefused"),
                new Reaction("PaymentCharged", "confirm", Kind.ACTION, "confirm", "OrderConfirmed", "ConfirmRefused"),
                RELEASE);
    }

    @Override
    public Optional<Deadline> deadline() {
        return Optional.of(new Deadline("StockReserved", Set.of("PaymentCharged", "PaymentDeclined"), paymentDeadline,
                RELEASE));
    }

    @Override
    public JsonNode operation(JsonNode order) {
        return json.createObjectNode().put("sku", order.path("sku").asText()).put("qty", order.path("qty").asInt());
    }
}
