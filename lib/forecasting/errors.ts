/** Thrown when a series or the options cannot produce a forecast; the message says what was expected. */
export class ForecastInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ForecastInputError";
  }
}
