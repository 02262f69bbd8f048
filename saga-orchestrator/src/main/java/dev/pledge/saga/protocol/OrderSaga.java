package dev.pledge.saga.protocol;

import java.time.Duration;

/** The order saga: reserve stock, charge the payment, confirm; compensations release and refund. */
public final class OrderSaga {
    public static final SagaDefinition DEFINITION = SagaDefinition.named("order")
            .step("reserve-stock").invoke("inventory", "reserve").compensateWith("release")
                .retry(3, Duration.ofMillis(200)).timeout(Duration.ofSeconds(5))
            .step("charge-payment").invoke("payment", "charge").compensateWith("refund")
                .retry(3, Duration.ofMillis(200)).timeout(Duration.ofSeconds(5))
            .step("confirm").invoke("inventory", "confirm")
                .retry(3, Duration.ofMillis(200)).timeout(Duration.ofSeconds(5))
            .build();

    private OrderSaga() {
    }
}
