package dev.pledge.chaos.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A history of client operations, appended to by many clients at once and saved as JSON lines. */
public final class History {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final long start = System.nanoTime();
    private final List<Op> ops = new ArrayList<>();

    public synchronized Op invoke(int process, String f, String value) {
        return add(process, Op.Type.INVOKE, f, value, null, null);
    }

    /** Completes {@code invoked} with its outcome. */
    public synchronized Op complete(Op invoked, Op.Type type, String id, String detail) {
        if (invoked.type() != Op.Type.INVOKE || type == Op.Type.INVOKE) {
            throw new IllegalArgumentException("complete an INVOKE with OK, FAIL or UNKNOWN");
        }
        return add(invoked.process(), type, invoked.f(), invoked.value(), id, detail);
    }

    private Op add(int process, Op.Type type, String f, String value, String id, String detail) {
        Op op = new Op(ops.size(), process, type, f, value, id, System.nanoTime() - start, detail);
        ops.add(op);
        return op;
    }

    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    public long count(Op.Type type) {
        return ops().stream().filter(o -> o.type() == type).count();
    }

    /** Ids of the operations that completed with {@code type}, for those of the given kind (e.g. "saga"). */
    public Set<String> ids(Op.Type type, boolean sagas) {
        Set<String> out = new HashSet<>();
        for (Op o : ops()) {
            if (o.type() == type && o.id() != null && isSaga(o.f()) == sagas) {
                out.add(o.id());
            }
        }
        return out;
    }

    public long unknown(boolean sagas) {
        return ops().stream().filter(o -> o.type() == Op.Type.UNKNOWN && isSaga(o.f()) == sagas).count();
    }

    public static boolean isSaga(String f) {
        return !f.equals("2pc") && !f.equals("3pc");
    }

    public void save(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            List<String> lines = new ArrayList<>();
            for (Op op : ops()) {
                lines.add(JSON.writeValueAsString(op));
            }
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the history to " + file, e);
        }
    }
}
