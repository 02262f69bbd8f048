package dev.pledge.coordinator.service;

/** Thrown by the simulation's fakes once the simulated coordinator process has crashed. */
final class SimulatedCrash extends Error {
    SimulatedCrash(String where) {
        super("coordinator crashed at " + where, null, false, false);
    }
}
