{#- The TypeScript declarations of the module; filled by codegen/src/emit/dts.rs. -#}
// {{ preamble }}

{{ module_doc }}
declare module "{{ specifier }}" {
{%- for f in functions %}
{%- if !loop.first %}
{% endif %}
{{ f.doc }}
  {{ f.decl }};
{%- endfor %}
{%- for c in classes %}

{{ c.doc }}
  export class {{ c.name }}{% if let Some(ext) = c.extends %} extends {{ ext }}{% endif %} {
{%- for m in c.members %}
{%- if !loop.first %}
{% endif %}
{{ m.doc }}
    {{ m.decl }};
{%- endfor %}
  }
{%- endfor %}
{%- for ns in namespaces %}

{{ ns.doc }}
  export namespace {{ ns.name }} {
{%- for m in ns.members %}
{%- if !loop.first %}
{% endif %}
{{ m.doc }}
    {{ m.decl }};
{%- endfor %}
  }
{%- endfor %}

{{ error_code.doc }}
  export const {{ error_code.name }}: {
{%- for m in error_code.members %}
{{ m.doc }}
    {{ m.decl }};
{%- endfor %}
  };
{%- for t in types %}

{{ t.doc }}
  {{ t.decl }};
{%- endfor %}
{%- for i in interfaces %}

{{ i.doc }}
  export interface {{ i.name }} {
{%- for m in i.members %}
{%- if !loop.first %}
{% endif %}
{{ m.doc }}
    {{ m.decl }};
{%- endfor %}
  }
{%- endfor %}
}
