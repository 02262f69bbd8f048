package dev.pledge.saga.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SagaDefinitionTest {

    @Test
    void theOrderSagaReadsLikeItsDiagram() {
        SagaDefinition order = OrderSaga.DEFINITION;
        assertThat(order.steps()).extracting(StepDefinition::name).containsExactly("reserve-stock", "charge-payment", "confirm");
        assertThat(order.step(0).compensation()).contains("release");
        assertThat(order.step(1).compensation()).contains("refund");
        assertThat(order.step(2).compensable()).isFalse();
        assertThat(order.step(1).retry().maxAttempts()).isEqualTo(3);
        assertThat(order.steps()).extracting(StepDefinition::stage).as("charging does not wait for the reservation")
                .containsExactly(0, 0, 1);
        assertThat(order.lastStage()).isEqualTo(1);
    }

    @Test
    void defaultsAndValidation() {
        SagaDefinition one = SagaDefinition.named("x").step("a").invoke("p", "do").build();
        assertThat(one.step(0).retry().maxAttempts()).isEqualTo(1);
        assertThat(one.step(0).timeout()).isEqualTo(SagaDefinition.DEFAULT_TIMEOUT);
        assertThatThrownBy(() -> SagaDefinition.named("x").step("a").build()).hasMessageContaining("invoke");
        assertThatThrownBy(() -> SagaDefinition.named("x").build()).hasMessageContaining("at least one step");
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffDoubles() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100));
        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayBefore(4)).isEqualTo(Duration.ofMillis(400));
    }
}
