package dev.pledge.dashboard.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.dashboard.client.Services;
import dev.pledge.dashboard.client.Unreachable;
import dev.pledge.dashboard.client.UpstreamProblem;

/**
 * The activity list: the coordinator's transactions and the orchestrator's sagas, newest first, with the
 * transactions a participant holds prepared marked in doubt. A transaction only the participants know about
 * (its coordinator is down) is listed too, from what they hold.
 */
@ApplicationScoped
public class Activity {
    /** How many of each kind are read from the services per refresh. */
    static final int READ = 200;

    @Inject
    Services services;
    @Inject
    Prepared prepared;

    public record Filter(String kind, String protocol, String state, String query, boolean inDoubtOnly, int limit) {
        boolean accepts(Item item) {
            return (kind == null || kind.equals(item.kind()))
                    && (protocol == null || protocol.equalsIgnoreCase(String.valueOf(item.protocol())))
                    && (state == null || String.valueOf(item.state()).toLowerCase(Locale.ROOT)
                    .contains(state.toLowerCase(Locale.ROOT)))
                    && (query == null || item.id().contains(query.toLowerCase(Locale.ROOT))
                    || String.valueOf(item.summary()).toLowerCase(Locale.ROOT).contains(query.toLowerCase(Locale.ROOT)))
                    && (!inDoubtOnly || item.inDoubt());
        }
    }

    public record Listing(List<Item> items, Set<String> unreachable) {
    }

    public Listing list(Filter filter) {
        Listing all = all();
        List<Item> items = all.items().stream().filter(filter::accepts).limit(filter.limit()).toList();
        return new Listing(items, all.unreachable());
    }

    /** Everything the services tell now, newest first. */
    public Listing all() {
        Set<String> unreachable = new TreeSet<>();
        Instant now = Instant.now();
        Prepared.Reading held = prepared.read();
        unreachable.addAll(held.unreachable());
        List<Item> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try {
            for (JsonNode tx : services.get(Services.COORDINATOR, "/transactions?limit=" + READ)) {
                Item item = transaction(tx, held.byTransaction().containsKey(tx.path("id").asText()), now);
                items.add(item);
                seen.add(item.id());
            }
        } catch (Unreachable | UpstreamProblem e) {
            unreachable.add(Services.COORDINATOR);
        }
        held.byTransaction().forEach((id, branches) -> {
            if (!seen.contains(id)) {
                items.add(heldOnly(id, branches, now));
            }
        });
        try {
            for (JsonNode saga : services.get(Services.ORCHESTRATOR, "/sagas?limit=" + READ)) {
                items.add(saga(saga, now));
            }
        } catch (Unreachable | UpstreamProblem e) {
            unreachable.add(Services.ORCHESTRATOR);
        }
        items.sort(Comparator.comparing(Item::createdAt).reversed());
        return new Listing(items, unreachable);
    }

    static Item transaction(JsonNode tx, boolean held, Instant now) {
        String state = tx.path("state").asText();
        boolean ended = Timelines.isFinalTransaction(state);
        Instant created = Instant.parse(tx.path("createdAt").asText());
        List<String> parts = new ArrayList<>();
        tx.path("branches").forEach(b -> parts.add(describe(b.path("operation"))));
        return new Item(Item.TRANSACTION, tx.path("id").asText(), tx.path("protocol").asText(), null, state,
                tx.hasNonNull("outcome") ? tx.get("outcome").asText() : null, ended, !ended && held, created,
                Instant.parse(tx.path("updatedAt").asText()), Duration.between(created, now).toMillis(),
                String.join(", ", parts));
    }

    static Item saga(JsonNode saga, Instant now) {
        String status = saga.path("status").asText();
        boolean ended = Timelines.isFinalSaga(status);
        Instant created = Instant.parse(saga.path("createdAt").asText());
        String summary = describe(saga.path("order")) + (saga.path("needsAttention").asBoolean() ? " (needs attention)" : "");
        return new Item(Item.SAGA, saga.path("id").asText(), "SAGA", saga.path("flow").asText(null), status,
                ended ? status : null, ended, false, created, Instant.parse(saga.path("updatedAt").asText()),
                Duration.between(created, now).toMillis(), summary);
    }

    static Item heldOnly(String id, List<Held> branches, Instant now) {
        Instant since = branches.stream().map(Held::preparedAt).min(Comparator.naturalOrder()).orElse(now);
        Map<String, String> where = new LinkedHashMap<>();
        branches.forEach(b -> where.put(b.participant(), Timelines.describeLocks(b)));
        List<String> parts = new ArrayList<>();
        where.forEach((p, locks) -> parts.add(p + " holds " + locks));
        return new Item(Item.TRANSACTION, id, null, null, "PREPARED", null, false, true, since, since,
                Duration.between(since, now).toMillis(), "not in the coordinator's answer; " + String.join("; ", parts));
    }

    /** An order's operation in words: "1 x BOOK-001", "12.50 from acc-alice", or "1 x BOOK-001, 12.50 from …". */
    static String describe(JsonNode op) {
        List<String> parts = new ArrayList<>();
        if (op.hasNonNull("sku")) {
            parts.add(op.path("qty").asText("?") + " x " + op.get("sku").asText());
        }
        if (op.hasNonNull("amount")) {
            parts.add(op.get("amount").asText() + (op.hasNonNull("account") ? " from " + op.get("account").asText() : ""));
        }
        return parts.isEmpty() ? op.toString() : String.join(", ", parts);
    }
}
