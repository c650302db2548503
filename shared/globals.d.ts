// The few host globals that both Node and the browser provide and that shared/ may use.
// shared/ is compiled without DOM or Node types so that nothing host-specific leaks in.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBuffer | ArrayBufferView): string;
}
declare function atob(data: string): string;
declare function btoa(data: string): string;
declare const crypto: {
  getRandomValues<T extends ArrayBufferView>(array: T): T;
  randomUUID(): string;
};
