package dev.pledge.saga.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pledge.saga.protocol.SagaState.Status;

/**
 * The choreography tracker's whole (saga status x event) table: what each participant event the observer
 * records does to a choreographed saga. A cell is the saga's status after the event and the phase of the
 * step the event is about; "-" means the event changes nothing. Rows start from a just-placed order (step
 * 0 acting) with the row's status.
 */
class ChoreographyTrackerTableTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> EVENTS = List.of("StockReserved", "StockRefused", "PaymentCharged", "PaymentDeclined",
            "OrderConfirmed", "ConfirmRefused", "StockReleased", "PaymentRefunded", "SomethingElse");
    private static final List<String> TABLE = List.of(
            "RUNNING       RUNNING/0:DONE COMPENSATED/0:REFUSED RUNNING/1:DONE COMPENSATING/1:REFUSED COMPLETED/2:DONE"
                    + " COMPENSATING/2:REFUSED COMPENSATING/0:COMPENSATED COMPENSATED/1:COMPENSATED -",
            "COMPENSATING  COMPENSATING/0:DONE COMPENSATED/0:REFUSED COMPENSATING/1:DONE COMPENSATING/1:REFUSED COMPLETED/2:DONE"
                    + " COMPENSATING/2:REFUSED COMPENSATING/0:COMPENSATED COMPENSATED/1:COMPENSATED -",
            "COMPLETED     - - - - - - - - -",
            "COMPENSATED   - - - - - - - - -");

    @Test
    void everyStatusMeetsEveryEventAsTheTableSays() {
        assertThat(TABLE).hasSize(Status.values().length);
        for (String row : TABLE) {
            String[] cells = row.trim().split("\\s+");
            SagaState placed = ChoreographyTracker.start(T0, 3);
            SagaState before = new SagaState(Status.valueOf(cells[0]), placed.steps(), null);
            for (int e = 0; e < EVENTS.size(); e++) {
                String event = EVENTS.get(e);
                SagaState after = ChoreographyTracker.apply(before, event, null, T0.plusSeconds(1));
                String what = cells[0] + " x " + event;
                if (cells[1 + e].equals("-")) {
                    assertThat(after).as(what).isEqualTo(before);
                } else {
                    int step = Integer.parseInt(cells[1 + e].split("/")[1].split(":")[0]);
                    assertThat(after.status() + "/" + step + ":" + after.step(step).phase()).as(what).isEqualTo(cells[1 + e]);
                }
            }
        }
    }

    @Test
    void aReservedOrderWaitsForThePaymentAndAChargedOneForTheConfirmation() {
        SagaState reserved = ChoreographyTracker.apply(ChoreographyTracker.start(T0, 3), "StockReserved", null, T0);
        assertThat(reserved.step(1).phase()).isEqualTo(StepState.Phase.ACTING);
        SagaState charged = ChoreographyTracker.apply(reserved, "PaymentCharged", null, T0);
        assertThat(charged.step(2).phase()).isEqualTo(StepState.Phase.ACTING);
    }
}
