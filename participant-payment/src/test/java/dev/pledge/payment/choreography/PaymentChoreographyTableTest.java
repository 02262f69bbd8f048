package dev.pledge.payment.choreography;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.pledge.participant.choreography.ChoreographyRules.Reaction;

/**
 * Payment's part of the choreographed order saga, as a whole table: for every event of the saga, the verb it
 * runs and the events it announces after it (done / refused), or "-" when it ignores the event.
 */
class PaymentChoreographyTableTest {
    private static final List<String> EVENTS = List.of("OrderPlaced", "StockReserved", "StockRefused", "PaymentCharged",
            "PaymentDeclined", "OrderConfirmed", "ConfirmRefused", "StockReleased", "PaymentRefunded");

    private static final Map<String, String> TABLE = new TreeMap<>(Map.of(
            "OrderPlaced", "-",
            "StockReserved", "ACTION charge -> PaymentCharged / PaymentDeclined",
            "StockRefused", "-", "PaymentCharged", "-", "PaymentDeclined", "-", "OrderConfirmed", "-",
            "ConfirmRefused", "COMPENSATION refund -> PaymentRefunded / PaymentRefunded",
            "StockReleased", "COMPENSATION refund -> PaymentRefunded / PaymentRefunded",
            "PaymentRefunded", "-"));

    @Test
    void everyEventMeetsTheReactionTheTableSays() {
        PaymentChoreography rules = new PaymentChoreography();
        EVENTS.forEach(event -> assertThat(rules.reactionTo(event)
                .map(r -> r.kind() + " " + r.verb() + " -> " + r.whenDone() + " / " + r.otherwise()).orElse("-"))
                .as(event).isEqualTo(TABLE.get(event)));
        assertThat(rules.reactions()).as("no reaction to an event outside the saga's vocabulary, none twice")
                .extracting(Reaction::on).doesNotHaveDuplicates().allMatch(EVENTS::contains);
    }
}
