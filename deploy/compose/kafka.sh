#!/bin/bash
# Pledge's Kafka broker on Docker Compose, run in the apache/kafka image: the same listeners, logins, topics and
# ACLs as the local stack's broker (kafka-broker's BrokerMain and SagaAcls, docs/security.md "Kafka"), which
# DeployManifestsTest compares the scram, topic and acl lines below with. Clients log in with SCRAM-SHA-512;
# the broker itself, and this script as its admin, with PLAIN, from inside this container only. On every start
# the users' credentials are set to the passwords given, the topics made and the ACLs added (none removed: on a
# fresh volume they are exactly the plan); then /tmp/pledge/ready tells the healthcheck.
set -euo pipefail

: "${PLEDGE_KAFKA_ADMIN_PASSWORD:?the broker admin's password}"
: "${PLEDGE_KAFKA_ORCHESTRATOR_PASSWORD:?the saga-orchestrator user's password}"
: "${PLEDGE_KAFKA_INVENTORY_PASSWORD:?the inventory user's password}"
: "${PLEDGE_KAFKA_PAYMENT_PASSWORD:?the payment user's password}"
# the passwords go into JAAS lines and a SCRAM setting: letters, digits and _.~+/=- only, as the local broker takes
for name in PLEDGE_KAFKA_ADMIN_PASSWORD PLEDGE_KAFKA_ORCHESTRATOR_PASSWORD PLEDGE_KAFKA_INVENTORY_PASSWORD \
    PLEDGE_KAFKA_PAYMENT_PASSWORD; do
  if [[ ! "${!name}" =~ ^[A-Za-z0-9_.~+/=-]{12,}$ ]]; then
    echo "$name must be at least 12 characters of letters, digits and _.~+/=-" >&2
    exit 2
  fi
done

bin=/opt/kafka/bin
data=/var/lib/kafka/data
work=/tmp/pledge
umask 077
mkdir -p "$work"
rm -f "$work/ready"

plain="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$PLEDGE_KAFKA_ADMIN_PASSWORD\""
cat > "$work/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=CLIENT://:9092,CONTROLLER://localhost:9093
advertised.listeners=CLIENT://kafka:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=CLIENT
sasl.mechanism.inter.broker.protocol=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.client.plain.sasl.jaas.config=$plain user_admin="$PLEDGE_KAFKA_ADMIN_PASSWORD";
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=$plain user_admin="$PLEDGE_KAFKA_ADMIN_PASSWORD";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
auto.create.topics.enable=false
log.dirs=$data/log
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
cat > "$work/admin.properties" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=$plain;
EOF

[ -s "$data/cluster.id" ] || "$bin/kafka-storage.sh" random-uuid > "$data/cluster.id"
"$bin/kafka-storage.sh" format -t "$(cat "$data/cluster.id")" -c "$work/server.properties" --ignore-formatted
"$bin/kafka-server-start.sh" "$work/server.properties" &
broker=$!
trap 'kill -TERM "$broker"; wait "$broker"' TERM INT

as_admin=(--bootstrap-server localhost:9092 --command-config "$work/admin.properties")
until "$bin/kafka-topics.sh" "${as_admin[@]}" --list > /dev/null 2>&1; do
  kill -0 "$broker" || exit 1
  sleep 1
done

scram() { # user password; the password goes through a file only this user may read, never a command line
  # (a file's value takes no [brackets], unlike --add-config's)
  printf 'SCRAM-SHA-512=iterations=8192,password=%s\n' "$2" > "$work/scram.properties"
  "$bin/kafka-configs.sh" "${as_admin[@]}" --alter --entity-type users --entity-name "$1" \
    --add-config-file "$work/scram.properties" > /dev/null || { rm -f "$work/scram.properties"; exit 1; }
  rm -f "$work/scram.properties"
}
topic() { # name
  "$bin/kafka-topics.sh" "${as_admin[@]}" --create --if-not-exists --topic "$1" --partitions 3 \
    --replication-factor 1 > /dev/null
}
acl() { # user operation topic|group name
  "$bin/kafka-acls.sh" "${as_admin[@]}" --add --allow-principal "User:$1" --operation "$2" "--$3" "$4" \
    --resource-pattern-type literal > /dev/null
}

scram saga-orchestrator "$PLEDGE_KAFKA_ORCHESTRATOR_PASSWORD"
scram inventory "$PLEDGE_KAFKA_INVENTORY_PASSWORD"
scram payment "$PLEDGE_KAFKA_PAYMENT_PASSWORD"

topic saga.inventory.commands
topic saga.payment.commands
topic saga.replies
topic saga.order.events
topic saga.inventory.commands.dlq
topic saga.payment.commands.dlq
topic saga.replies.dlq
topic saga.order.events.inventory.dlq
topic saga.order.events.payment.dlq
topic saga.order.events.observer.dlq

acl saga-orchestrator Write topic saga.inventory.commands
acl saga-orchestrator Write topic saga.payment.commands
acl saga-orchestrator Write topic saga.order.events
acl saga-orchestrator Write topic saga.replies.dlq
acl saga-orchestrator Write topic saga.order.events.observer.dlq
acl saga-orchestrator Read topic saga.replies
acl saga-orchestrator Read topic saga.order.events
acl saga-orchestrator Read group saga-orchestrator
acl saga-orchestrator Read group saga-orchestrator-observer
acl inventory Read topic saga.inventory.commands
acl inventory Read topic saga.order.events
acl inventory Write topic saga.replies
acl inventory Write topic saga.order.events
acl inventory Write topic saga.inventory.commands.dlq
acl inventory Write topic saga.order.events.inventory.dlq
acl inventory Read group participant-inventory
acl inventory Read group participant-inventory-choreography
acl payment Read topic saga.payment.commands
acl payment Read topic saga.order.events
acl payment Write topic saga.replies
acl payment Write topic saga.order.events
acl payment Write topic saga.payment.commands.dlq
acl payment Write topic saga.order.events.payment.dlq
acl payment Read group participant-payment
acl payment Read group participant-payment-choreography

touch "$work/ready"
echo "Pledge Kafka broker ready: 3 users, their topics and ACLs set"
wait "$broker"
