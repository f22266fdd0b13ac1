declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
declare module '@catalogue' {
  const catalogue: Record<string, { title: string; detail: string; rule?: string }>
  export default catalogue
}
