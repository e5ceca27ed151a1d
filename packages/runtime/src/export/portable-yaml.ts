import { Document, Scalar, parse, visit } from 'yaml';

/** Whether `text`, written plain, reads back as this very string under YAML 1.1 and 1.2 alike. */
function readsAsItself(text: string): boolean {
  return (['1.1', '1.2'] as const).every((version) => {
    try {
      return parse(text, { version }) === text;
    } catch {
      return false;
    }
  });
}

/**
 * YAML that reads the same under YAML 1.1 (PyYAML, docker-compose v1, kubectl's go-yaml v2) and
 * 1.2 (the `yaml` package, go-yaml v3): a string that one of them would read as something else
 * (`no`, `on`, `y` are booleans in 1.1; `0o17` an integer in 1.2; `0755` octal in 1.1) is
 * double-quoted. Everything else is written as `yaml` writes it.
 */
export function stringifyPortableYaml(value: unknown): string {
  const document = new Document(value);
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && !readsAsItself(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return document.toString({ lineWidth: 0 });
}
