/** Thrown when inputs cannot give an inventory policy or allocation; the message names the input and why. */
export class InventoryInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InventoryInputError";
  }
}
