import type { PluginFactory } from './interfaces.ts';

/** Plugin name → factory. Registering a name twice is a programming error and throws at startup. */
export class Registry {
  private readonly factories = new Map<string, PluginFactory>();

  register(name: string, factory: PluginFactory): this {
    if (this.factories.has(name)) throw new Error(`plugin ${name} is registered twice`);
    this.factories.set(name, factory);
    return this;
  }

  get(name: string): PluginFactory {
    const f = this.factories.get(name);
    if (!f) throw new Error(`unknown plugin ${name}`);
    return f;
  }

  names(): string[] {
    return [...this.factories.keys()];
  }
}
