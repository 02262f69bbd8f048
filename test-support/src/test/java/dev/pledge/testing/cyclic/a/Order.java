package dev.pledge.testing.cyclic.a;

import dev.pledge.testing.cyclic.b.Stock;

/** Half of a package cycle, on purpose: {@code PackageCyclesTest} must find it. */
public final class Order {
    Stock stock;
}
