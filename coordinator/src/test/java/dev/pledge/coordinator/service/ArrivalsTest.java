package dev.pledge.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.ProcessingException;

import org.junit.jupiter.api.Test;

import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.service.Arrivals.Arrival;

class ArrivalsTest {
    private static final long SOON = TimeUnit.SECONDS.toNanos(5);

    @Test
    void answersAreTakenInTheOrderTheyArriveNotTheOrderSent() {
        Arrivals<String> arrivals = new Arrivals<>();
        CompletableFuture<BranchReply> inventory = new CompletableFuture<>();
        CompletableFuture<BranchReply> payment = new CompletableFuture<>();
        arrivals.expect("inventory", inventory);
        arrivals.expect("payment", payment);

        payment.complete(reply("payment", "YES"));
        inventory.complete(reply("inventory", "NO"));

        assertThat(arrivals.next(System.nanoTime() + SOON).key()).isEqualTo("payment");
        assertThat(arrivals.next(System.nanoTime() + SOON).key()).isEqualTo("inventory");
        assertThat(arrivals.pending()).isFalse();
        assertThat(arrivals.next()).as("nothing left to come").isNull();
    }

    @Test
    void noAnswerBeforeTheDeadlineIsNullButOneThatArrivedIsTakenAfterIt() {
        Arrivals<String> arrivals = new Arrivals<>();
        CompletableFuture<BranchReply> slow = new CompletableFuture<>();
        arrivals.expect("payment", slow);

        assertThat(arrivals.next(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20))).isNull();
        assertThat(arrivals.pending()).isTrue();

        slow.complete(reply("payment", "YES"));
        assertThat(arrivals.next(System.nanoTime() - SOON)).as("arrived, though the deadline has passed").isNotNull();
    }

    @Test
    void answersAfterTheTakerStoppedGoToItsHandlerAndThoseWaitingAreHandedBack() {
        Arrivals<String> arrivals = new Arrivals<>();
        CompletableFuture<BranchReply> arrived = new CompletableFuture<>();
        CompletableFuture<BranchReply> late = new CompletableFuture<>();
        arrivals.expect("inventory", arrived);
        arrivals.expect("payment", late);
        arrived.complete(reply("inventory", "YES"));
        List<String> handled = new CopyOnWriteArrayList<>();

        List<Arrival<String>> waiting = arrivals.stop(a -> handled.add(a.key()));
        late.complete(reply("payment", "YES"));

        assertThat(waiting).extracting(Arrival::key).containsExactly("inventory");
        assertThat(handled).containsExactly("payment");
        assertThat(arrivals.pending()).isTrue(); // the late one was never taken
    }

    @Test
    void aFailureIsTheCallsOwnExceptionNotAWrapperAroundIt() {
        Arrivals<String> arrivals = new Arrivals<>();
        ProcessingException refused = new ProcessingException("connection refused");
        arrivals.expect("payment", CompletableFuture.failedFuture(new CompletionException(refused)));
        arrivals.expect("inventory", CompletableFuture.failedFuture(new Exception("checked")));

        assertThat(arrivals.next(System.nanoTime() + SOON).failure()).isSameAs(refused);
        assertThat(arrivals.next(System.nanoTime() + SOON).failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("participant call failed");
    }

    private static BranchReply reply(String participant, String vote) {
        return new BranchReply("tx." + participant, "PREPARED", vote, null);
    }
}
