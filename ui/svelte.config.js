// Read by the Vite plugin and svelte-check. Svelte 5 compiles `<script lang="ts">` itself,
// so no preprocessor is needed.
/** @type {import('svelte/compiler').CompileOptions} */
const compilerOptions = { runes: true };

export default { compilerOptions };
