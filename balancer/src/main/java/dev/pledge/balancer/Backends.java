package dev.pledge.balancer;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The replicas behind the balancer and which of them answer. Each request gets an order to try them in:
 * the healthy ones round-robin, then the ones marked down as a last resort (a replica may be back before
 * its next probe says so).
 */
final class Backends {

    /** One replica: its base URL, host and port. */
    record Backend(String url, String host, int port) {
        @Override
        public String toString() {
            return url;
        }
    }

    private final List<Backend> all;
    private final Set<Backend> down = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();

    private Backends(List<Backend> all) {
        this.all = List.copyOf(all);
    }

    /** Parses base URLs such as {@code http://127.0.0.1:8180}; fails with a message naming the bad one. */
    static Backends parse(List<String> urls) {
        List<Backend> backends = new ArrayList<>();
        for (String raw : urls) {
            String url = raw.trim();
            if (url.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pledge.balancer.backends: '" + url + "' is not a URL", e);
            }
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1
                    || uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
                throw new IllegalArgumentException("pledge.balancer.backends: '" + url
                        + "' must be http://host:port with no path");
            }
            Backend b = new Backend("http://" + uri.getHost() + ":" + uri.getPort(), uri.getHost(), uri.getPort());
            if (backends.contains(b)) {
                throw new IllegalArgumentException("pledge.balancer.backends names " + b.url() + " twice");
            }
            backends.add(b);
        }
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("pledge.balancer.backends names no replica");
        }
        return new Backends(backends);
    }

    List<Backend> all() {
        return all;
    }

    /** The order in which one request tries the replicas. */
    List<Backend> order() {
        int start = Math.floorMod(next.getAndIncrement(), all.size());
        List<Backend> healthy = new ArrayList<>();
        List<Backend> rest = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Backend b = all.get((start + i) % all.size());
            (down.contains(b) ? rest : healthy).add(b);
        }
        healthy.addAll(rest);
        return healthy;
    }

    /** @return true when this changed the replica's state (so that a change is logged once) */
    boolean markDown(Backend b) {
        return down.add(b);
    }

    /** @return true when this changed the replica's state */
    boolean markUp(Backend b) {
        return down.remove(b);
    }

    boolean isDown(Backend b) {
        return down.contains(b);
    }
}
