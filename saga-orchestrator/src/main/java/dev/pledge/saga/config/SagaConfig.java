package dev.pledge.saga.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The orchestrator's settings, under {@code pledge.saga} (env {@code PLEDGE_SAGA_*}). */
@ConfigMapping(prefix = "pledge.saga")
public interface SagaConfig {

    /** How long one attempt of a step (or of its compensation) may go unanswered. */
    @WithDefault("5s")
    Duration stepTimeout();

    /** How often a step's action is sent before its outcome counts as unknown. */
    @WithDefault("3")
    int attempts();

    /** The pause before the second attempt, doubled for each later one (compensations: at most 5 s). */
    @WithDefault("200ms")
    Duration backoff();

    /** Under forward recovery, how long a failing step is retried before the saga is compensated. */
    @WithDefault("30s")
    Duration forwardDeadline();

    /** The topic participants send their replies to. */
    @WithDefault("saga.replies")
    String replyTopic();

    /** The topic of choreographed sagas' events. */
    @WithDefault("saga.order.events")
    String eventTopic();

    /**
     * This instance's name among the orchestrators that share one database and one consumer group: its Kafka
     * static membership ({@code group.instance.id}). Every instance needs its own; the same name on two live
     * instances fences the first out of the group.
     */
    String instanceId();

    /** A saga whose command has been sent this many times is flagged as needing attention. */
    @WithDefault("5")
    int attentionAfterAttempts();

    /** The topic of a participant's saga commands. */
    static String commandTopic(String participant) {
        return "saga." + participant + ".commands";
    }
}
