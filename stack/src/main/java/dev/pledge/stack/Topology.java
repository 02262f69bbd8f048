package dev.pledge.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How many coordinator and saga-orchestrator replicas the local stack runs. With one, the service listens on
 * its usual port; with more, the replicas are {@code coordinator-1}, {@code coordinator-2}, ... and the usual
 * port is a balancer in front of them, so every client keeps one address. {@code pledge up} saves the
 * topology in the state directory and every later command reads it from there.
 */
public record Topology(int coordinators, int orchestrators) {
    public static final int MAX_REPLICAS = 4;
    public static final Topology SINGLE = new Topology(1, 1);
    static final String FILE = "topology.properties";

    public Topology {
        check("coordinators", coordinators);
        check("orchestrators", orchestrators);
    }

    private static void check(String what, int n) {
        if (n < 1 || n > MAX_REPLICAS) {
            throw new StackException("the stack runs 1 to " + MAX_REPLICAS + " " + what + ", not " + n);
        }
    }

    /** The name of replica {@code i} (from 1) of a service: {@code coordinator-2}. */
    public static String replica(String service, int i) {
        return service + "-" + i;
    }

    /** The topology saved in a state directory, or a single replica of each when none is. */
    public static Topology load(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            return SINGLE;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            return new Topology(Integer.parseInt(p.getProperty("coordinators", "1").trim()),
                    Integer.parseInt(p.getProperty("orchestrators", "1").trim()));
        } catch (IOException | NumberFormatException e) {
            throw new StackException("cannot read " + file + " (" + e.getMessage() + "); fix or delete it");
        }
    }

    /**
     * How to say this topology to a person: the replica counts, and when it is not one of each, that every
     * later command keeps it and how to go back to one of each.
     */
    public String describe(Path stateDir) {
        if (equals(SINGLE)) {
            return toString();
        }
        return this + ", remembered in " + stateDir.resolve(FILE) + " from an earlier ./pledge up " + options()
                + "; every command keeps it until it is changed. Back to one of each: ./pledge down && ./pledge up"
                + (coordinators > 1 ? " --coordinators 1" : "") + (orchestrators > 1 ? " --orchestrators 1" : "");
    }

    /** The {@code up} options that choose this topology. */
    public String options() {
        return ((coordinators > 1 ? "--coordinators " + coordinators + " " : "")
                + (orchestrators > 1 ? "--orchestrators " + orchestrators : "")).trim();
    }

    public void save(Path stateDir) {
        Properties p = new Properties();
        p.setProperty("coordinators", Integer.toString(coordinators));
        p.setProperty("orchestrators", Integer.toString(orchestrators));
        try {
            Files.createDirectories(stateDir);
            try (Writer w = Files.newBufferedWriter(stateDir.resolve(FILE))) {
                p.store(w, "replicas of the local stack, written by pledge up");
            }
        } catch (IOException e) {
            throw new StackException("cannot write " + stateDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return coordinators + " coordinator" + (coordinators == 1 ? "" : "s") + ", " + orchestrators + " orchestrator"
                + (orchestrators == 1 ? "" : "s");
    }
}
