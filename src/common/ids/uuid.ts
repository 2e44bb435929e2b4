const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a UUID in its canonical text form (any version, any case). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
