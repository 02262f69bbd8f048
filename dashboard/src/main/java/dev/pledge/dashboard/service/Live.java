package dev.pledge.dashboard.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.scheduler.Scheduled;

/**
 * Server-sent events to every open page: which items changed ({@code activity}), the services' state
 * ({@code services}), experiment progress ({@code experiment}, {@code experiment-done}) and restarts
 * ({@code restart}). The services are read once per refresh interval, and only while a page listens.
 */
@ApplicationScoped
public class Live {
    private static final Logger LOG = Logger.getLogger(Live.class);

    @Inject
    Activity activity;
    @Inject
    Overview overview;
    @Inject
    ObjectMapper json;

    private final AtomicInteger listeners = new AtomicInteger();
    private volatile Sse sse;
    private volatile SseBroadcaster broadcaster;
    private Map<String, String> lastItems = Map.of();
    private String lastOverview = "";

    public synchronized void register(SseEventSink sink, Sse context) {
        if (broadcaster == null) {
            sse = context;
            broadcaster = context.newBroadcaster();
            broadcaster.onClose(s -> listeners.decrementAndGet());
            broadcaster.onError((s, e) -> LOG.debugf("a page stopped listening: %s", e.getMessage()));
        }
        listeners.incrementAndGet();
        broadcaster.register(sink);
        sink.send(event("services", overview.now()));
    }

    /** One refresh: tells the pages what changed since the last one. */
    @Scheduled(every = "${pledge.dashboard.refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        if (listeners.get() <= 0 || broadcaster == null) {
            return;
        }
        Map<String, String> now = new HashMap<>();
        for (Item item : activity.all().items()) {
            now.put(item.id(), item.state() + "|" + item.updatedAt() + "|" + item.inDoubt());
        }
        List<String> changed = new ArrayList<>();
        now.forEach((id, sig) -> {
            if (!Objects.equals(lastItems.get(id), sig)) {
                changed.add(id);
            }
        });
        lastItems.keySet().stream().filter(id -> !now.containsKey(id)).forEach(changed::add);
        lastItems = now;
        if (!changed.isEmpty()) {
            broadcast("activity", Map.of("ids", changed));
        }
        Overview.View view = overview.now();
        String text = write(view);
        if (!text.equals(lastOverview)) {
            lastOverview = text;
            broadcast("services", view);
        }
    }

    public void experimentLine(String runId, String line) {
        broadcast("experiment", Map.of("runId", runId, "line", line));
    }

    public void experimentDone(String runId, String status) {
        broadcast("experiment-done", Map.of("runId", runId, "status", status));
    }

    public void restart(String service, String line, boolean done, boolean ok) {
        broadcast("restart", Map.of("service", service, "line", line, "done", done, "ok", ok));
    }

    private void broadcast(String name, Object data) {
        SseBroadcaster b = broadcaster;
        if (b != null && listeners.get() > 0) {
            b.broadcast(event(name, data));
        }
    }

    private OutboundSseEvent event(String name, Object data) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.TEXT_PLAIN_TYPE).data(write(data)).build();
    }

    private String write(Object data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
