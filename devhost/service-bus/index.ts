/**
 * The dev host's local Service Bus: an AMQP 1.0 broker for `@azure/service-bus` (see broker.ts) and the Service Bus
 * triggers and output bindings (see triggers.ts).
 */
export { LocalServiceBus, type BrokerClock, type LocalServiceBusOptions } from "./broker";
export { loadServiceBusEntities, parseServiceBusEntities, type ServiceBusEntities } from "./entities";
export { ServiceBusTriggers } from "./triggers";
