package dev.pledge.saga.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.pledge.saga.protocol.OrderSaga;
import dev.pledge.saga.protocol.SagaDefinition;

/** The order saga as configured (step timeout, attempts, backoff, forward deadline): one for the whole service. */
@ApplicationScoped
public class Definitions {
    @Produces
    @Singleton
    SagaDefinition orderSaga(SagaConfig config) {
        return OrderSaga.definition(config.stepTimeout(), config.attempts(), config.backoff(), config.forwardDeadline());
    }
}
