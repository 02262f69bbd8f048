package dev.pledge.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Resources each client thread keeps for the whole run (its connections), made on first use and all closed
 * at the end: no connection is set up inside a measured order.
 */
public final class PerClient<T extends AutoCloseable> implements AutoCloseable {

    @FunctionalInterface
    public interface Maker<T> {
        T make() throws Exception;
    }

    private final ThreadLocal<T> mine = new ThreadLocal<>();
    private final List<T> all = new CopyOnWriteArrayList<>();
    private final Maker<T> maker;

    public PerClient(Maker<T> maker) {
        this.maker = maker;
    }

    public T get() throws Exception {
        T t = mine.get();
        if (t == null) {
            t = maker.make();
            mine.set(t);
            all.add(t);
        }
        return t;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (T t : all) {
            try {
                t.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        all.clear();
        if (first != null) {
            throw first;
        }
    }
}
