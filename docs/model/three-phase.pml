/*
 * Three-phase commit with its termination and recovery protocols, as Pledge runs it
 * (docs/protocol-3pc.md): one coordinator with a durable log, two participants whose YES is a durable
 * prepared transaction and whose pre-commit is a durable mark.
 *
 * Calls from the coordinator are requests that a participant handles atomically under its branch lock
 * (participant-kit's BranchLocks), with a reply that may be lost. A participant's termination protocol is
 * not atomic: it reads its own state, asks its peer, may pre-commit its peer, and acts, in separate steps
 * between which anything else may happen, the coordinator's calls and crashes included.
 *
 * Faults, chosen with -D when the model is generated:
 *   CRASH      the coordinator may crash at any step (at most MAXCRASH times)
 *   RECOVERY   a crashed coordinator restarts and recovers from its log, while participants may still be
 *              terminating (their failure detector lags: they may suspect it after it is back)
 *   PCRASH     each participant may crash once, at any step of its termination or between calls, and
 *              restart; a down participant answers nothing
 *   LOSS       any request from the coordinator, or its reply, may be lost; the coordinator re-sends
 *   PARTITION  at any moment the network may cut participant 1 off from the coordinator and from
 *              participant 0; participant 1 then suspects the coordinator, though it may be alive
 *   OLDRULES   the rules Pledge ran before: a pre-committed participant commits whatever its peer says,
 *              termination acts without re-reading its own state, and recovery sends the pre-commits
 *              again without applying the termination rule itself
 *
 * Suspicion: a participant may start its termination protocol at any moment once the coordinator has
 * crashed, also after it restarted (a detector that is wrong for a while), and behind a cut.
 * Peers: a peer that is up and not cut off answers; no peer answer is lost otherwise (a live peer that
 * does not answer is a partition, the PARTITION switch).
 *
 * Checked (see ProtocolModelsIT): atomicity (no participant commits while the other aborted) as an
 * assertion at every step that ends a branch; with CRASH alone, no participant is left waiting forever.
 */

#define N 2

/* the rules before the fix, each a switch of its own (see the header) */
#ifdef OLDRULES
#define BLIND_RECOVERY
#define OWN_STATE_FIRST
#define RECOVERING_DECIDES
#define COMMIT_WITHOUT_PEER_PRECOMMIT
#define ACT_ON_STALE_READ
#endif

/* names: branch states (BranchState); NOANSWER is no answer at all (the NoAnswer event) */
#define working      0
#define prepared     1
#define precommitted 2
#define committed    3
#define aborted      4
#define NOANSWER     5

/* names: the coordinator's log (TxState); ended stands for COMMITTED, ABORTED and MIXED */
#define preparing     0
#define precommitting 1
#define committing    2
#define aborting      3
#define ended         4

#ifndef MAXCRASH
#define MAXCRASH 2
#endif

byte part[N];              /* durable: the branch as its database holds it */
bool up[N];                /* the participant's process is running */
bool recovering[N];        /* restarted since its branch last moved: never decides from its own state alone */
byte pcrashes[N];
byte logged = preparing;   /* durable: the coordinator's log */
bool coordUp = true;
byte crashes = 0;
bool cut = false;          /* participant 1 is cut off from the coordinator and from participant 0 */

#define OTHER(i) (1 - (i))
#define ACROSS_CUT(i) (cut && (i) == 1)
#define COORD_REACHES(i) (up[i] && !ACROSS_CUT(i))
#define PEER_REACHES(i, j) (up[j] && !ACROSS_CUT(i) && !ACROSS_CUT(j))

/* atomicity, asserted wherever a branch ends */
#define COMMIT_BRANCH(i) assert(part[OTHER(i)] != aborted); part[i] = committed; recovering[i] = false
#define ABORT_BRANCH(i) assert(part[OTHER(i)] != committed); part[i] = aborted; recovering[i] = false

#ifdef CRASH
#define MAYBE_CRASH if :: crashes < MAXCRASH -> crashes++; goto crashed :: skip fi
#else
#define MAYBE_CRASH skip
#endif

#ifdef LOSS
#define MAYBE_LOST if :: r = NOANSWER :: skip fi
#else
#define MAYBE_LOST skip
#endif

#ifdef PARTITION
#define SUSPECTS(i) (crashes > 0 || ACROSS_CUT(i))
#else
#define SUSPECTS(i) (crashes > 0)
#endif

/* names: messages (Message) */
#define CAN_COMMIT 0
#define PRE_COMMIT 1
#define DO_COMMIT 2
#define ABORT 3
#define STATE 4

/* the participant's handlers, each atomic under the branch lock; r is the branch's state after */
inline handle(i, m) {
    if
    :: m == CAN_COMMIT && part[i] == working ->
        if
        :: part[i] = prepared
        :: ABORT_BRANCH(i)           /* votes NO */
        fi
    :: m == PRE_COMMIT && part[i] == prepared -> part[i] = precommitted; recovering[i] = false
    :: m == DO_COMMIT && (part[i] == prepared || part[i] == precommitted) -> COMMIT_BRANCH(i)
    :: m == ABORT && part[i] != committed && part[i] != aborted -> ABORT_BRANCH(i)
    :: else -> skip                  /* repeated, or refused (409): the reply says the state */
    fi;
    r = part[i]
}

/* a request from the coordinator: carried out if the participant is up and reachable, reply maybe lost */
inline call(i, m) {
    atomic {
        if
        :: COORD_REACHES(i) ->
#ifdef LOSS
            if
            :: handle(i, m); MAYBE_LOST
            :: r = NOANSWER          /* the request is lost */
            fi
#else
            handle(i, m)
#endif
        :: else -> r = NOANSWER
        fi
    }
}

active proctype Coordinator() {
    byte i, r;
    bool acked[N];
    bool allYes, anyFinalAbort, anyCommitted, anyPrecommitted, unknown;

    /* phase 1: can-commit */
    allYes = true;
    i = 0;
    do
    :: i < N -> call(i, CAN_COMMIT); if :: r != prepared -> allYes = false :: else -> skip fi; MAYBE_CRASH; i++
    :: i == N -> break
    od;
    if
    :: allYes -> logged = precommitting
    :: else -> logged = aborting
    fi;
    MAYBE_CRASH;
    if
    :: logged == precommitting -> goto precommitRound
    :: else -> goto phaseTwo
    fi;

recover:   /* after a restart: what the log says decides where to go on */
    if
    :: logged == preparing -> logged = aborting; MAYBE_CRASH; goto phaseTwo   /* presumed abort */
    :: logged == precommitting -> goto askStates
    :: logged == committing || logged == aborting -> goto phaseTwo
    :: logged == ended -> goto finished
    fi;

askStates:   /* recovery of a transaction logged PRECOMMITTING: how far did the pre-commits get? */
    anyFinalAbort = false; anyCommitted = false; anyPrecommitted = false; unknown = false;
    i = 0;
    do
    :: i < N -> call(i, STATE);
        if
        :: r == aborted || r == working -> anyFinalAbort = true
        :: r == committed -> anyCommitted = true
        :: r == precommitted -> anyPrecommitted = true
        :: r == NOANSWER -> unknown = true
        :: r == prepared -> skip
        fi;
        MAYBE_CRASH; i++
    :: i == N -> break
    od;
#ifdef BLIND_RECOVERY
    if
    :: anyFinalAbort -> logged = aborting; MAYBE_CRASH; goto phaseTwo
    :: unknown -> goto askStates
    :: else -> goto precommitRound
    fi;
#else
    /* the termination rule, applied by the coordinator as Skeen's backup coordinator would */
    if
    :: anyCommitted -> logged = committing; MAYBE_CRASH; goto phaseTwo
    :: anyFinalAbort -> logged = aborting; MAYBE_CRASH; goto phaseTwo
    :: unknown -> goto askStates
    :: anyPrecommitted -> goto precommitRound
    :: else -> logged = aborting; MAYBE_CRASH; goto phaseTwo   /* all merely prepared */
    fi;
#endif

precommitRound:
    acked[0] = false; acked[1] = false;
    i = 0;
    do
    :: i < N -> call(i, PRE_COMMIT); if :: r == precommitted || r == committed -> acked[i] = true :: else -> skip fi;
        MAYBE_CRASH; i++
    :: i == N -> break
    od;
    if
    :: acked[0] && acked[1] -> logged = committing; MAYBE_CRASH; goto phaseTwo
    :: else -> goto askStates   /* a later recovery pass */
    fi;

phaseTwo:
    acked[0] = false; acked[1] = false;
    do
    :: acked[0] && acked[1] -> break
    :: else ->
        i = 0;
        do
        :: i < N && !acked[i] ->
            call(i, (logged == committing -> DO_COMMIT : ABORT));
            if
            :: r == committed || r == aborted -> acked[i] = true   /* final, as decided or (a split) not */
            :: else -> skip
            fi;
            MAYBE_CRASH; i++
        :: i < N && acked[i] -> i++
        :: i == N -> break
        od
    od;
    logged = ended;
    goto finished;

crashed:
    coordUp = false;
#ifdef RECOVERY
    coordUp = true;
    goto recover;
#endif
finished:
    skip
}

#ifdef PCRASH
#define MAYBE_PCRASH if :: pcrashes[i] == 0 -> goto pcrash :: skip fi
#else
#define MAYBE_PCRASH skip
#endif

/* a participant's process: its termination protocol, and its crash and restart */
proctype Participant(byte i) {
    byte s0, peer, r;
    bool commit;
idle:
    do
    :: part[i] == committed || part[i] == aborted -> goto end_done
    :: up[i] && part[i] == working && SUSPECTS(i) ->
        atomic { if :: part[i] == working -> ABORT_BRANCH(i) :: else -> skip fi }   /* prepare budget lapsed */
    :: up[i] && (part[i] == prepared || part[i] == precommitted) && SUSPECTS(i) -> goto terminate
#ifdef PCRASH
    :: up[i] && pcrashes[i] == 0 -> goto pcrash
#endif
    od;

terminate:
    s0 = part[i];                     /* 1. read its own state */
    if
    :: s0 != prepared && s0 != precommitted -> goto idle   /* ended meanwhile */
    :: else -> skip
    fi;
    MAYBE_PCRASH;
    atomic {                          /* 2. ask the peer */
        if
        :: PEER_REACHES(i, OTHER(i)) -> peer = part[OTHER(i)]
#ifdef PEERLOSS
        :: PEER_REACHES(i, OTHER(i)) -> peer = NOANSWER   /* the answer of a live peer is lost */
#endif
        :: else -> peer = NOANSWER
        fi
    }
    MAYBE_PCRASH;
#ifdef OWN_STATE_FIRST
    commit = (s0 == precommitted || peer == precommitted || peer == committed);
#else
    /* 3. the rule (TerminationRule): a final peer decides; a recovering site adopts or waits; otherwise a
       pre-commit anywhere means commit, and all merely prepared (the peer down) means abort */
    if
    :: peer == committed -> commit = true
    :: peer == aborted || peer == working -> commit = false
    :: else ->
        if
#ifndef RECOVERING_DECIDES
        :: recovering[i] -> goto idle                         /* wait for the others' outcome */
#endif
        :: else -> commit = (s0 == precommitted || peer == precommitted)
        fi
    fi;
#endif
#ifndef COMMIT_WITHOUT_PEER_PRECOMMIT
    /* 4. before committing, bring a merely prepared peer to pre-committed (Skeen's backup coordinator):
       it refuses once it aborted; an unreachable peer ends the attempt */
    if
    :: commit && peer == prepared ->
        atomic {
            if
            :: PEER_REACHES(i, OTHER(i)) ->
                if :: part[OTHER(i)] == prepared -> part[OTHER(i)] = precommitted; recovering[OTHER(i)] = false
                   :: else -> skip fi;
                r = part[OTHER(i)]
            :: else -> r = NOANSWER
            fi
        }
        if
        :: r == precommitted || r == committed -> skip
        :: else -> goto idle                                  /* decide again on the next pass */
        fi;
        MAYBE_PCRASH
    :: else -> skip
    fi;
#endif
    atomic {                          /* 5. act, under the branch lock */
        if
#ifdef ACT_ON_STALE_READ
        :: up[i] && (part[i] == prepared || part[i] == precommitted) ->
#else
        :: up[i] && part[i] == s0 ->  /* unchanged since it was read: otherwise decide again */
#endif
            if
            :: commit -> COMMIT_BRANCH(i)
            :: else -> ABORT_BRANCH(i)
            fi
        :: else -> skip
        fi
    }
    goto idle;

pcrash:
    atomic {
        up[i] = false;
        pcrashes[i]++;
    }
    atomic {                          /* restart: a branch it held undecided makes it a recovering site */
        up[i] = true;
        recovering[i] = (part[i] == prepared || part[i] == precommitted);
    }
    goto idle;

end_done:
    skip
}

#ifdef PARTITION
active proctype Network() {
    if
    :: cut = true
    :: skip
    fi
}
#endif

init {
    atomic {
        up[0] = true;
        up[1] = true;
        run Participant(0);
        run Participant(1)
    }
}
