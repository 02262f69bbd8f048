/*
 * Distributed deadlock between two orders on hot rows (docs/protocol-2pc.md#distributed-deadlock).
 *
 * Two orders, 1 (the older: it began first) and 2, each with a branch on two participants that both touch
 * the same hot row there (one product at inventory, one account at payment). A prepare takes its row or
 * finds it held by the other order's branch; the lock policy says whether it waits. Each order's coordinator
 * asks both branches (in parallel, or one after another under ORDERED), commits on two YES and otherwise
 * aborts, releasing what it held, and tries again as a new attempt with its original age, up to MAXTRY
 * attempts. Each participant keeps the ages of the branches it prepared; with -DRESTART each may forget them
 * once (it restarted), and wait-die then gives way to a holder of unknown age.
 *
 * Policies, chosen with -D (none: wait-die):
 *   WAIT       a prepare waits for whoever holds the row (the databases' own behaviour)
 *   ORDERED    the coordinator asks participant 0, then participant 1; prepares wait (Pledge's default)
 *   NOWAIT     a prepare never waits for another branch: it gives way at once
 * Broken variants, kept to show the checks can fail:
 *   UNORDERED          ORDERED, but the two coordinators use different orders
 *   WAIT_FOR_UNKNOWN   wait-die that waits for a holder whose age the participant forgot, instead of giving way
 *
 * Checked (see ProtocolModelsIT):
 *   - no cycle of waits: never does order 1 wait for order 2 at one participant while order 2 waits for
 *     order 1 at the other (the assertion in the monitor);
 *   - every order ends: no process is left waiting for ever (no invalid end state);
 *   - without RESTART, under wait-die and ordered the older order commits (OLDEST_COMMITS): it never gives
 *     way, so its waits end; no-wait can fail it (both give way, again and again: a livelock the retries'
 *     jitter makes unlikely but not impossible). A restart can make the older order give way too.
 */

#define NT 2   /* orders: 1 is the older */
#define NP 2   /* participants, one hot row each */

#ifndef MAXTRY
#define MAXTRY 3
#endif

byte holder[NP];          /* the order whose branch holds the row (prepared or preparing), 0 when free */
byte waitsFor[NT * NP];   /* waitsFor[(t-1)*NP + p]: the order t's prepare at p waits behind, 0 when it does not */
bool knowsAge[NP] = true; /* whether participant p still knows the age of the branch it holds */
bool committed[NT + 1];
bool ended[NT + 1];
chan votes[NT + 1] = [NP] of { bit };

#define WF(t, p) waitsFor[((t) - 1) * NP + (p)]
#define OLDER(a, b) ((a) < (b))

/* no cycle of waits between the two orders, in any state */
active proctype noCycle() {
    assert(!((WF(1, 0) == 2 || WF(1, 1) == 2) && (WF(2, 0) == 1 || WF(2, 1) == 1)))
}

/*
 * Whether order t's prepare at p gives way to the holder h (the same rule as WaitRule in participant-kit).
 */
inline giveWay(t, h, p, gw) {
#if defined(WAIT) || defined(ORDERED) || defined(UNORDERED)
    gw = false
#elif defined(NOWAIT)
    gw = true
#else
    if
    :: !knowsAge[p] ->
#ifdef WAIT_FOR_UNKNOWN
        gw = false
#else
        gw = true
#endif
    :: knowsAge[p] -> gw = !OLDER(t, h)
    fi
#endif
}

/* order t's branch at participant p: take the row, or wait, or give way; votes YES or NO */
proctype prepare(byte t; byte p) {
    bool gw;
    do
    :: atomic { holder[p] == 0 -> holder[p] = t; knowsAge[p] = true; WF(t, p) = 0; votes[t]!1; break }
    :: atomic { holder[p] != 0 && holder[p] != t && WF(t, p) != holder[p] ->
        giveWay(t, holder[p], p, gw);
        if
        :: gw -> WF(t, p) = 0; votes[t]!0; break
        :: else -> WF(t, p) = holder[p]  /* waits until the holder's branch ends */
        fi
       }
    :: atomic { WF(t, p) != 0 && holder[p] != WF(t, p) -> WF(t, p) = 0 } /* the holder ended: look again */
    od
}

#ifdef RESTART
/* a participant restarts and forgets the ages of the branches it holds prepared */
active proctype forget() {
    byte p;
    do
    :: p < NP -> knowsAge[p] = false; p++
    :: p < NP -> p++
    :: p >= NP -> break
    od
}
#endif

inline release(t) {
    atomic {
        if :: holder[0] == t -> holder[0] = 0 :: else -> skip fi;
        if :: holder[1] == t -> holder[1] = 0 :: else -> skip fi
    }
}

/* order t's coordinator: ask both branches, commit on two YES, otherwise abort and try again */
proctype order(byte t) {
    byte try = 0;
    byte yes;
    byte n;
    byte first = 0;
    bit v;
    do
    :: try < MAXTRY ->
        try++;
        yes = 0;
#if defined(ORDERED) || defined(UNORDERED)
#ifdef UNORDERED
        if :: t == 2 -> first = 1 :: else -> skip fi;
#endif
        run prepare(t, first);
        votes[t]?v;
        if
        :: v -> yes++; run prepare(t, 1 - first); votes[t]?v; yes = yes + v
        :: else -> skip
        fi;
#else
        run prepare(t, 0);
        run prepare(t, 1);
        n = 0;
        do
        :: n < NP -> votes[t]?v; yes = yes + v; n++
        :: n >= NP -> break
        od;
#endif
        if
        :: yes == NP -> committed[t] = true; release(t); break
        :: else -> release(t)  /* abort: a conflict NO, tried again */
        fi
    :: try >= MAXTRY -> break
    od;
#ifdef OLDEST_COMMITS
    assert(t != 1 || committed[1]);
#endif
    ended[t] = true
}

init {
    atomic {
        run order(1);
        run order(2)
    }
}
