/**
 * Command-line front end over the same engine and parser: `conv-lens compute …`, `conv-lens shapes FILE`.
 * Bad input: exit code 2 and one clear line on stderr.
 */
import { computeCommand } from './cli/compute';
import { shapesCommand } from './cli/shapes';

const commands: Record<string, (args: string[]) => Promise<number> | number> = {
  compute: computeCommand,
  shapes: shapesCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`conv-lens: usage: conv-lens <${Object.keys(commands).join('|') || 'command'}> …\n`);
    return 2;
  }
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`conv-lens: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
