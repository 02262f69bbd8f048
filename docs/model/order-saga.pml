/*
 * The order saga as Pledge's orchestrator and participants run it (docs/saga.md), sequential flow:
 * reserve (inventory) -> charge (payment) -> confirm (inventory); release and refund compensate.
 *
 * Commands and replies travel on Kafka: per saga in order (one key, one partition), never lost once
 * sent, but delivered again when a consumer dies before committing its offset. Every participant takes
 * a command through its inbox: a repeat gets the first answer, a compensation with no action before it
 * leaves a tombstone that makes the late action a no-op. The orchestrator keeps its state durably and
 * sends through an outbox, so a crash or a step timeout re-sends the current command.
 *
 * Nondeterminism covers: out of stock, a declined payment, a reply slower than the step timeout (the
 * step is retried, and after MAXATT attempts its outcome is unknown and it is compensated), an
 * orchestrator crash, and a redelivered command.
 *
 * Checked (see ProtocolModelsIT), with one unit of stock and one unit of money:
 *   - conservation in every state: stock + held-or-sold = 1 and balance + charged = 1;
 *   - each action takes effect at most once;
 *   - no run gets stuck (no invalid end state), and once everything is quiet the saga is COMPLETED
 *     with the unit sold and paid for, or COMPENSATED with stock and money back where they started.
 */

mtype = { RESERVE, RELEASE, CONFIRM, CHARGE, REFUND };

#ifndef MAXATT
#define MAXATT 2
#endif
#define MAXCRASH 1
#define MAXDUP 1

chan toInventory = [8] of { mtype };
chan toPayment = [8] of { mtype };
chan replies = [8] of { mtype, bool };

/* inventory: one unit of stock; the saga's reservation */
#define none      0
#define reserved  1
#define confirmed 2
#define released  3
byte stock = 1;
byte reservation = none;
byte reserveAnswer = 0;   /* the inbox: 0 not seen, 1 done, 2 refused */
byte reserveEffects = 0;

/* payment: one unit of money; the saga's charge */
#define charged  1
#define refunded 2
byte balance = 1;
byte charge = none;
byte chargeAnswer = 0;
byte chargeEffects = 0;

/* the orchestrator's durable state */
#define RESERVING   0
#define CHARGING    1
#define CONFIRMING  2
#define REFUNDING   3
#define RELEASING   4
#define COMPLETED   5
#define COMPENSATED 6
byte phase = RESERVING;
bool mustRelease = false;
bool mustRefund = false;

byte crashes = 0;
byte redeliveries = 0;

#define HELD (reservation == reserved || reservation == confirmed)
#define CONSERVED assert(stock + HELD == 1 && balance + (charge == charged) == 1)

#define OUTCOME ((phase == COMPLETED && reservation == confirmed && stock == 0 && charge == charged && balance == 0) \
    || (phase == COMPENSATED && stock == 1 && !HELD && balance == 1 && charge != charged))

proctype Inventory() {
    mtype verb;
end_idle:
    do
    :: toInventory?<verb> -> if :: redeliveries < MAXDUP -> redeliveries++ :: true -> toInventory?verb fi;
        atomic {
            if
            :: verb == RESERVE ->
                if
                :: reserveAnswer != 0 -> skip                       /* a repeat: the first answer again */
                :: reserveAnswer == 0 && reservation == released -> reserveAnswer = 2   /* after its compensation */
                :: reserveAnswer == 0 && reservation == none && stock > 0 ->
                    stock--; reservation = reserved; reserveAnswer = 1; reserveEffects++
                :: reserveAnswer == 0 && reservation == none -> reserveAnswer = 2     /* out of stock */
                fi;
                replies!RESERVE, (reserveAnswer == 1)
            :: verb == RELEASE ->
                if
                :: HELD -> stock++; reservation = released
                :: else -> reservation = released                   /* nothing to release: a tombstone */
                fi;
                replies!RELEASE, true
            :: verb == CONFIRM ->
                if
                :: HELD -> reservation = confirmed; replies!CONFIRM, true
                :: else -> replies!CONFIRM, false
                fi
            fi;
            CONSERVED;
            assert(reserveEffects <= 1)
        }
    od
}

proctype Payment() {
    mtype verb;
end_idle:
    do
    :: toPayment?<verb> -> if :: redeliveries < MAXDUP -> redeliveries++ :: true -> toPayment?verb fi;
        atomic {
            if
            :: verb == CHARGE ->
                if
                :: chargeAnswer != 0 -> skip
                :: chargeAnswer == 0 && charge == refunded -> chargeAnswer = 2
                :: chargeAnswer == 0 && charge == none && balance > 0 ->
                    balance--; charge = charged; chargeAnswer = 1; chargeEffects++
                :: chargeAnswer == 0 && charge == none -> chargeAnswer = 2       /* declined */
                fi;
                replies!CHARGE, (chargeAnswer == 1)
            :: verb == REFUND ->
                if
                :: charge == charged -> balance++; charge = refunded
                :: else -> charge = refunded
                fi;
                replies!REFUND, true
            fi;
            CONSERVED;
            assert(chargeEffects <= 1)
        }
    od
}

/* the command the current phase sends, through the outbox */
inline send() {
    if
    :: phase == RESERVING -> toInventory!RESERVE
    :: phase == CHARGING -> toPayment!CHARGE
    :: phase == CONFIRMING -> toInventory!CONFIRM
    :: phase == REFUNDING -> toPayment!REFUND
    :: phase == RELEASING -> toInventory!RELEASE
    fi
}

/* compensate what may have taken effect, most recent first */
inline compensate() {
    if
    :: mustRefund -> phase = REFUNDING
    :: !mustRefund && mustRelease -> phase = RELEASING
    :: else -> phase = COMPENSATED
    fi
}

active proctype Orchestrator() {
    mtype verb;
    bool ok;
    byte attempt = 1;
    byte before;

    send();
    do
    :: phase == COMPLETED || phase == COMPENSATED -> break
    :: else ->
        if
        :: replies?verb, ok ->
            atomic {
                before = phase;
                if
                :: phase == RESERVING && verb == RESERVE ->
                    if :: ok -> mustRelease = true; phase = CHARGING :: else -> compensate() fi
                :: phase == CHARGING && verb == CHARGE ->
                    if :: ok -> mustRefund = true; phase = CONFIRMING :: else -> compensate() fi
                :: phase == CONFIRMING && verb == CONFIRM ->
                    if :: ok -> phase = COMPLETED :: else -> compensate() fi
                :: phase == REFUNDING && verb == REFUND -> mustRefund = false; compensate()
                :: phase == RELEASING && verb == RELEASE -> mustRelease = false; compensate()
                :: else -> skip                                     /* stale: a reply to an earlier step */
                fi;
                if
                :: phase != before && phase != COMPLETED && phase != COMPENSATED -> attempt = 1; send()
                :: else -> skip
                fi
            }
        :: phase <= CONFIRMING && attempt < MAXATT -> attempt++; send()     /* step timeout: retry */
        :: phase <= CONFIRMING && attempt == MAXATT ->                      /* retries out: outcome unknown */
            atomic {
                if
                :: phase == RESERVING -> mustRelease = true
                :: phase == CHARGING -> mustRefund = true
                :: else -> skip
                fi;
                compensate();
                attempt = 1;
                if :: phase != COMPENSATED -> send() :: else -> skip fi
            }
        :: phase > CONFIRMING && timeout -> send()                          /* compensations never give up */
        :: crashes < MAXCRASH -> crashes++; send()                          /* restart: the outbox sends again */
        fi
    od;
end_final:
    do
    :: replies?verb, ok -> skip
    :: timeout -> assert(OUTCOME); break
    od
}

init {
    atomic {
        run Inventory();
        run Payment()
    }
}
