package dev.pledge.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.stack.QuarkusService;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "crash", mixinStandardHelpOptions = true,
        description = {"Arm a named crash point in a service: the next transaction that reaches it halts the process",
                "at once (Runtime.halt), a real crash. Restart it with ./pledge start SERVICE or ./pledge up.",
                "With --pause MS the point holds the next transaction that long instead, once, and lets it go on:",
                "a window at a chosen protocol moment (e.g. to cut the network after the decision is logged)."},
        footer = {"", "Coordinator points, 2PC: before-prepare, after-first-prepare, after-votes, after-decision, after-first-commit;",
                "3PC: before-prepare, after-first-prepare, after-votes, after-decision, after-first-precommit, after-precommits,",
                "after-first-docommit.",
                "Participant points (inventory, payment): after-prepare, before-precommit, termination-decided, before-commit,",
                "after-saga-effect.",
                "Saga orchestrator points: after-saga-start, after-first-step, before-compensation, before-reply-commit."})
final class CrashCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SERVICE", description = "coordinator, inventory, payment or saga-orchestrator.")
    String service;

    @ArgGroup(multiplicity = "1")
    Action action;

    static final class Action {
        @Option(names = "--at", paramLabel = "POINT", description = "The crash point to arm.")
        String point;

        @Option(names = "--list", description = "Show the service's crash points and which one is armed.")
        boolean list;

        @Option(names = "--disarm", description = "Disarm the armed crash point and clear every pause.")
        boolean disarm;
    }

    @Option(names = "--pause", paramLabel = "MS", description = "With --at: pause there this many milliseconds (1-60000) instead of crashing.")
    Long pauseMillis;

    @Override
    public Integer call() {
        QuarkusService target = ServiceArg.service(StackOptions.stack(), service, spec);
        String url = target.baseUrl() + "/admin/crash-points";
        JsonNode view;
        if (pauseMillis != null && action.point == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--pause goes with --at POINT");
        }
        if (action.point != null && pauseMillis != null) {
            view = Api.put(url + "/" + action.point + "/pause?millis=" + pauseMillis);
            System.out.printf("pause of %d ms set at %s on %s: the next transaction that reaches it waits there once%n",
                    pauseMillis, action.point, service);
        } else if (action.point != null) {
            view = Api.put(url + "/" + action.point);
            System.out.printf("armed %s on %s: the next transaction that reaches it halts the process%n",
                    action.point, service);
        } else if (action.disarm) {
            view = Api.delete(url);
            System.out.println("disarmed " + service);
        } else {
            view = Api.get(url);
            System.out.println("crash points of " + service + ": " + view.path("known").toString());
            System.out.println("armed: " + view.path("armed").asText("none"));
            System.out.println("paused: " + (view.path("paused").isEmpty() ? "none" : view.path("paused").toString()));
        }
        return view.isObject() ? 0 : Pledge.ERROR;
    }
}
