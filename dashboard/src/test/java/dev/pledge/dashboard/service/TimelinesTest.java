package dev.pledge.dashboard.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.dashboard.service.Timeline.Entry;
import dev.pledge.dashboard.service.Timeline.Type;

class TimelinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "a6dc06c2-007d-4069-8513-8c8275a68622";

    private static JsonNode read(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static JsonNode transaction(String state, String... events) throws Exception {
        return read("{'id':'" + ID + "','protocol':'2PC','state':'" + state + "','createdAt':'2026-11-24T10:00:00Z',"
                + "'updatedAt':'2026-11-24T10:00:00.020Z','branches':[{'participant':'inventory'},{'participant':'payment'}],"
                + "'timeline':[" + String.join(",", events) + "]}");
    }

    @Test
    void aTraceIdLinksToTheConfiguredViewerOnlyWhenBothAreThere() throws Exception {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        JsonNode traced = read("{'id':'" + ID + "','protocol':'3PC','state':'ABORTED','traceId':'" + trace + "',"
                + "'createdAt':'2026-11-24T10:00:00Z','updatedAt':'2026-11-24T10:00:01Z','branches':[],'timeline':[]}");
        Timeline t = Timelines.ofTransaction(traced, List.of());
        assertThat(t.traceId()).isEqualTo(trace);
        assertThat(t.linked(java.util.Optional.empty()).traceUrl()).isNull();
        assertThat(t.linked(java.util.Optional.of("http://jaeger:16686/trace/{traceId}")).traceUrl())
                .isEqualTo("http://jaeger:16686/trace/" + trace);
        Timeline untraced = Timelines.ofTransaction(transaction("ABORTED"), List.of());
        assertThat(untraced.linked(java.util.Optional.of("http://jaeger:16686/trace/{traceId}")).traceUrl()).isNull();
    }

    @Test
    void drawsSendsAndRepliesAsMessagesBetweenTheCoordinatorAndEachParticipant() throws Exception {
        Timeline t = Timelines.ofTransaction(transaction("COMMITTED",
                "{'sinceStartMs':0,'kind':'LOG','message':'begin 2PC with 2 branches: state PREPARING'}",
                "{'sinceStartMs':1,'kind':'SEND','participant':'inventory','message':'prepare " + ID + ".inventory'}",
                "{'sinceStartMs':9,'kind':'RECEIVE','participant':'inventory','message':'vote YES','durationMs':7}",
                "{'sinceStartMs':17,'kind':'LOG','message':'every participant answered: state COMMITTED'}"), List.of());

        assertThat(t.lanes()).containsExactly("coordinator", "inventory", "payment");
        assertThat(t.entries()).containsExactly(
                new Entry(0, "coordinator", null, Type.LOG, "begin 2PC with 2 branches: state PREPARING", null, null),
                new Entry(1, "coordinator", "inventory", Type.MESSAGE, "prepare", null, "prepare " + ID + ".inventory"),
                new Entry(9, "inventory", "coordinator", Type.MESSAGE, "vote YES", 7L, null),
                new Entry(17, "coordinator", null, Type.STATE, "every participant answered: state COMMITTED", null, null));
        assertThat(t.isFinal()).isTrue();
        assertThat(t.inDoubt()).isFalse();
        assertThat(t.durationMs()).isEqualTo(20L);
    }

    @Test
    void marksARestartTimeoutsAndRetries() throws Exception {
        Timeline t = Timelines.ofTransaction(transaction("COMMITTING",
                "{'sinceStartMs':5,'kind':'ERROR','participant':'payment','message':'no vote: timed out after 5000 ms'}",
                "{'sinceStartMs':6,'kind':'ERROR','participant':'payment','message':'no ack for commit after retries: refused'}",
                "{'sinceStartMs':7,'kind':'ERROR','participant':'payment','message':'branch already ABORTED on its own'}",
                "{'sinceStartMs':9000,'kind':'LOG','message':'recovery after a restart: re-sending the COMMITTING decision'}"),
                List.of());

        assertThat(t.entries()).extracting(Entry::type)
                .containsExactly(Type.TIMEOUT, Type.RETRY, Type.ERROR, Type.CRASH);
        assertThat(t.entries().get(3).label()).startsWith("coordinator restarted; recovery after a restart");
        assertThat(t.isFinal()).isFalse();
        assertThat(t.durationMs()).isNull();
    }

    @Test
    void anUnfinishedTransactionWithPreparedBranchesIsInDoubtAndShowsTheirLocks() throws Exception {
        Held held = new Held("inventory", ID + ".inventory", Instant.parse("2026-11-24T10:00:00.008Z"), 4000,
                List.of(new Held.Lock("products", "RowExclusiveLock")), Map.of("products", List.of("BOOK-001")));
        Timeline t = Timelines.ofTransaction(transaction("PREPARING"), List.of(held));

        assertThat(t.inDoubt()).isTrue();
        assertThat(t.held()).containsExactly(held);
        assertThat(t.entries()).containsExactly(new Entry(8, "inventory", null, Type.LOG,
                "holds its branch prepared: products RowExclusiveLock; rows products BOOK-001", null, ID + ".inventory"));
    }

    @Test
    void withTheCoordinatorDownTheParticipantsTellWhatTheyHold() {
        Instant prepared = Instant.parse("2026-11-24T10:00:00Z");
        Held held = new Held("payment", ID + ".payment", prepared, 0, List.of(), Map.of());
        Timeline t = Timelines.ofHeldOnly(ID, List.of(held), prepared.plusSeconds(3));

        assertThat(t.lanes()).containsExactly("coordinator", "payment");
        assertThat(t.inDoubt()).isTrue();
        assertThat(t.entries()).extracting(Entry::type).containsExactly(Type.LOG, Type.CRASH);
        assertThat(t.entries().get(1).atMs()).isEqualTo(3000);
    }

    @Test
    void aSagaCommandGoesThroughKafkaAndItsReplyComesBack() throws Exception {
        JsonNode saga = read("{'id':'" + ID + "','status':'COMPENSATED','flow':'sequential','createdAt':'2026-11-24T10:00:00Z',"
                + "'durationMs':40,'steps':[{'participant':'inventory'},{'participant':'payment'}],'timeline':["
                + "{'at':'2026-11-24T10:00:00Z','kind':'STARTED','detail':'sequential saga'},"
                + "{'at':'2026-11-24T10:00:00.001Z','step':'reserve-stock','kind':'COMMAND','attempt':1,'participant':'inventory',"
                + "'detail':'reserve','topic':'saga.inventory.commands','partition':0,'offset':7,'publishedAt':'2026-11-24T10:00:00.003Z'},"
                + "{'at':'2026-11-24T10:00:00.020Z','step':'reserve-stock','kind':'REPLY','attempt':1,'participant':'inventory',"
                + "'detail':'reserve: DONE','topic':'saga.replies','partition':0,'offset':3,'publishedAt':'2026-11-24T10:00:00.015Z'},"
                + "{'at':'2026-11-24T10:00:05.020Z','step':'charge-payment','kind':'TIMEOUT','attempt':1,'participant':'payment',"
                + "'detail':'no reply to charge within 5000 ms'},"
                + "{'at':'2026-11-24T10:00:05.021Z','step':'reserve-stock','kind':'COMPENSATION','attempt':1,'participant':'inventory',"
                + "'detail':'release'},"
                + "{'at':'2026-11-24T10:00:05.040Z','kind':'COMPENSATED','detail':'payment timed out'}]}");
        Timeline t = Timelines.ofSaga(saga);

        assertThat(t.lanes()).containsExactly("orchestrator", "kafka", "inventory", "payment");
        assertThat(t.entries()).containsExactly(
                new Entry(0, "orchestrator", null, Type.LOG, "started: sequential saga", null, null),
                new Entry(3, "orchestrator", "kafka", Type.MESSAGE,
                        "reserve-stock: reserve to saga.inventory.commands[0]@7", null, "inventory"),
                new Entry(15, "inventory", "kafka", Type.MESSAGE, "reply reserve: DONE to saga.replies[0]@3", null, null),
                new Entry(20, "kafka", "orchestrator", Type.MESSAGE, "reply taken in: reserve: DONE", 5L, "saga.replies[0]@3"),
                new Entry(5020, "orchestrator", null, Type.TIMEOUT, "no reply to charge within 5000 ms", null, "payment"),
                new Entry(5021, "orchestrator", null, Type.LOG, "reserve-stock: release: in the outbox, not yet published",
                        null, null),
                new Entry(5040, "orchestrator", null, Type.STATE, "COMPENSATED: payment timed out", null, null));
        assertThat(t.isFinal()).isTrue();
        assertThat(t.outcome()).isEqualTo("COMPENSATED");
    }

    @Test
    void aCommandThatWaitedInTheOutboxShowsTheWait() throws Exception {
        JsonNode saga = read("{'id':'" + ID + "','status':'RUNNING','createdAt':'2026-11-24T10:00:00Z','steps':[],'timeline':["
                + "{'at':'2026-11-24T10:00:00Z','step':'charge-payment','kind':'RETRY','attempt':2,'participant':'payment',"
                + "'detail':'charge after 200 ms','topic':'saga.payment.commands','partition':0,'offset':9,"
                + "'publishedAt':'2026-11-24T10:00:14Z'}]}");
        Timeline t = Timelines.ofSaga(saga);

        assertThat(t.entries()).extracting(Entry::type, Entry::atMs, Entry::durationMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Type.LOG, 0L, null),
                        org.assertj.core.groups.Tuple.tuple(Type.RETRY, 14000L, 14000L));
        assertThat(t.isFinal()).isFalse();
    }
}
