package dev.pledge.testing.cyclic.b;

import dev.pledge.testing.cyclic.a.Order;

/** The other half of the cycle. */
public final class Stock {
    Order reservedFor;
}
