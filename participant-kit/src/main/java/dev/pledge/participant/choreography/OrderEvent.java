package dev.pledge.participant.choreography;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An event of a choreographed order saga on {@code saga.order.events}, keyed by the saga id: what happened
 * (OrderPlaced, StockReserved, PaymentDeclined...), to which order, told by whom, and why when it is a
 * refusal.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OrderEvent(UUID sagaId, String type, JsonNode order, String participant, String reason) {

    public boolean complete() {
        return sagaId != null && type != null && !type.isBlank() && order != null && order.isObject();
    }
}
