/**
 * InterestRateStore on Cosmos DB, container `interest-rates`, partition key /country, id = validFrom (one document per
 * country and half-year; a country's table is one small single-partition query). `put` is an upsert: the last
 * operator's entry for a half-year wins, and the previous one is not kept (the source text says where it came from).
 * Documents read are decoded with the port's schema, never cast.
 */
import type { Container, Database } from "@azure/cosmos";
import type { CountryCode } from "../../domain/calendar";
import { StoredInterestRate, type InterestRateStore } from "../../ports/interest-rate-store";
import { decodeDocument } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

type RateDocument = StoredInterestRate & { id: string; type: "interest-rate" };

export class CosmosInterestRateStore implements InterestRateStore {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.interestRates);
  }

  async list(country?: CountryCode): Promise<StoredInterestRate[]> {
    const query =
      country === undefined
        ? this.#container.items.query<Record<string, unknown>>("SELECT * FROM c")
        : this.#container.items.query<Record<string, unknown>>(
            { query: "SELECT * FROM c WHERE c.country = @country", parameters: [{ name: "@country", value: country }] },
            { partitionKey: country },
          );
    const { resources } = await query.fetchAll();
    return resources.map((doc) =>
      decodeDocument(StoredInterestRate, doc, { container: this.#container.id, storageOnly: ["id", "type"] }),
    );
  }

  async put(rate: StoredInterestRate): Promise<{ created: boolean }> {
    const document: RateDocument = { ...StoredInterestRate.parse(rate), id: rate.validFrom, type: "interest-rate" };
    const { statusCode } = await this.#container.items.upsert<RateDocument>(document);
    return { created: statusCode === 201 };
  }
}
