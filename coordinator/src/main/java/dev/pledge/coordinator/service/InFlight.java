package dev.pledge.coordinator.service;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/** Transactions this process is driving right now; recovery leaves them alone. */
@ApplicationScoped
public class InFlight {
    private final Set<UUID> ids = ConcurrentHashMap.newKeySet();

    /** True when the caller now owns the transaction; false when someone in this process already does. */
    public boolean claim(UUID id) {
        return ids.add(id);
    }

    /** Whether a request in this process is driving the transaction now. */
    public boolean isRunning(UUID id) {
        return ids.contains(id);
    }

    public void release(UUID id) {
        ids.remove(id);
    }
}
