package dev.pledge.system;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.pledge.identity.Caller;
import dev.pledge.stack.FileTrees;
import dev.pledge.stack.Net;
import dev.pledge.stack.Stack;
import dev.pledge.stack.StackConfig;

/** Starts a whole stack for one test class: its own state directory, free ports, fsync off. */
final class TestStacks {
    private TestStacks() {
    }

    /** A running stack in {@code target/<name>}, with {@code settings} added to the services' environment. */
    static Stack up(String name, Map<String, String> settings) throws IOException {
        Path state = Path.of("target", name).toAbsolutePath();
        FileTrees.delete(state);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PLEDGE_HOME", System.getProperty("pledge.home"));
        env.put("PLEDGE_STATE_DIR", state.toString());
        env.put("PLEDGE_PG_FSYNC", "off");
        env.putAll(settings);
        for (String component : StackConfig.DEFAULT_PORTS.keySet()) {
            env.put(StackConfig.portVariable(component), Integer.toString(Net.freePort()));
        }
        Stack stack = new Stack(StackConfig.fromEnv(env, Path.of(System.getProperty("pledge.home"))));
        try {
            stack.up(System.out::println);
        } catch (RuntimeException e) {
            stack.down(System.out::println, false); // what did start must not outlive a failed start
            throw e;
        }
        return stack;
    }

    /** The independent checker, reading the stack's four databases. */
    /** The Authorization header of the stack's operator, for every service (crash points, saga silence, force). */
    static String asOperator(Stack stack) {
        return stack.identities().minter(Caller.OPERATOR).bearer(Caller.EVERY_SERVICE);
    }

    static Ledger ledger(Stack stack) {
        return new Ledger(stack);
    }
}
