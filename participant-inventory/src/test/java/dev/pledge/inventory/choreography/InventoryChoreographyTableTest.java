package dev.pledge.inventory.choreography;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.pledge.participant.choreography.ChoreographyRules.Reaction;

/**
 * Inventory's part of the choreographed order saga, as a whole table: for every event of the saga, the verb it
 * runs and the events it announces after it (done / refused), or "-" when it ignores the event.
 */
class InventoryChoreographyTableTest {
    private static final List<String> EVENTS = List.of("OrderPlaced", "StockReserved", "StockRefused", "PaymentCharged",
            "PaymentDeclined", "OrderConfirmed", "ConfirmRefused", "StockReleased", "PaymentRefunded");

    private static final Map<String, String> TABLE = new TreeMap<>(Map.of(
            "OrderPlaced", "ACTION reserve -> StockReserved / StockRefused",
            "StockReserved", "-", "StockRefused", "-",
            "PaymentCharged", "ACTION confirm -> OrderConfirmed / ConfirmRefused",
            "PaymentDeclined", "COMPENSATION release -> StockReleased / StockReleased",
            "OrderConfirmed", "-", "ConfirmRefused", "-", "StockReleased", "-", "PaymentRefunded", "-"));

    @Test
    void everyEventMeetsTheReactionTheTableSays() {
        InventoryChoreography rules = new InventoryChoreography();
        EVENTS.forEach(event -> assertThat(rules.reactionTo(event)
                .map(r -> r.kind() + " " + r.verb() + " -> " + r.whenDone() + " / " + r.otherwise()).orElse("-"))
                .as(event).isEqualTo(TABLE.get(event)));
        assertThat(rules.reactions()).as("no reaction to an event outside the saga's vocabulary, none twice")
                .extracting(Reaction::on).doesNotHaveDuplicates().allMatch(EVENTS::contains);
    }
}
