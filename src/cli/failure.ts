// A command that could not do its job and documents its own exit status for that (`explain`: 3, no answer).
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}
