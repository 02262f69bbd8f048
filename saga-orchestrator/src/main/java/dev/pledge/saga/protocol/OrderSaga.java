package dev.pledge.saga.protocol;

import java.time.Duration;

/**
 * The order saga: reserve stock, charge the payment, confirm the reservation; compensations release the
 * stock and refund the payment. Charging does not need the reservation, so a parallel flow runs the two
 * at once.
 */
public final class OrderSaga {
    public static final SagaDefinition DEFINITION = definition(Duration.ofSeconds(5), 3, Duration.ofMillis(200),
            Duration.ofSeconds(30));

    private OrderSaga() {
    }

    public static SagaDefinition definition(Duration timeout, int attempts, Duration backoff, Duration forwardDeadline) {
        return SagaDefinition.named("order")
                .step("reserve-stock").invoke("inventory", "reserve").compensateWith("release")
                    .retry(attempts, backoff).timeout(timeout)
                .step("charge-payment").invoke("payment", "charge").compensateWith("refund").alongsidePrevious()
                    .retry(attempts, backoff).timeout(timeout)
                .step("confirm").invoke("inventory", "confirm")
                    .retry(attempts, backoff).timeout(timeout)
                .forwardRecoveryWithin(forwardDeadline)
                .build();
    }
}
