"""Demo content: the reference page of the spec and a small site around it (`content`, data),
loaded by `loader.DemoLoader` (`manage.py load_demo`) with pictures drawn by `pictures`."""
